from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "pingyi.ledger"
    verbose_name = _("工作台账")

    def ready(self) -> None:
        from pingyi.accounts.scopes import ScopeRule, register
        from pingyi.ledger.models import ServiceRecord

        register(
            ServiceRecord,
            ScopeRule(district="district", hall="window__hall", unit="unit", staff="staff", operator=None),
        )
