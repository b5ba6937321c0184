from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    """The comparison engine: entered records against what citizens said; anomalies for the inspectors."""

    name = "pingyi.oversight"
    verbose_name = _("数据比对")
