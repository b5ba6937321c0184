"""The inspections app: its scope rules and the 检查反馈表's document kind."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    """Inspections (监督检查): plans, draws, records, findings, feedback forms, rectification to closure."""

    name = "pingyi.inspections"
    verbose_name = _("监督检查")

    def ready(self) -> None:
        from pingyi.documents import kinds
        from pingyi.inspections import scopes  # noqa: F401  (registers the scope rules)
        from pingyi.inspections.feedback import FEEDBACK_FORM

        kinds.register(FEEDBACK_FORM)
