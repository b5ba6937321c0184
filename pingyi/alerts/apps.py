from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    """Alert rules with thresholds, the alerts they raise, and the notification backends that carry them."""

    name = "pingyi.alerts"
    verbose_name = _("预警")

    def ready(self) -> None:
        from pingyi.accounts.models import Role
        from pingyi.accounts.scopes import ScopeRule, register
        from pingyi.alerts.models import Alert, AlertRule, Notification

        # Inspectors see their district's alerts (district-wide ones only they see); a hall manager those about its
        # halls' windows; a unit admin its unit's. Window staff and operators see none.
        register(Alert, ScopeRule(district="district", hall="window__hall", unit="unit"))
        # Rules and who was notified: the inspectors' business.
        register(AlertRule, ScopeRule(district="district", editors=frozenset({Role.INSPECTOR})))
        register(Notification, ScopeRule(district="alert__district"))
