from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    """Alert rules with thresholds, the alerts they raise, and the notification backends that carry them."""

    name = "pingyi.alerts"
    verbose_name = _("预警")
