from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    """Inspections (监督检查): plans, draws, records, findings, feedback forms, rectification to closure."""

    name = "pingyi.inspections"
    verbose_name = _("监督检查")

    def ready(self) -> None:
        from pingyi.inspections import scopes  # noqa: F401  (registers the scope rules)
