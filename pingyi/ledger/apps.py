from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "pingyi.ledger"
    verbose_name = _("工作台账")

    def ready(self) -> None:
        from pingyi.accounts.models import Role
        from pingyi.accounts.scopes import ScopeRule, register
        from pingyi.ledger import importers  # noqa: F401  (registers the ledger import kind)
        from pingyi.ledger.models import ServiceRecord

        # Unit admins enter their unit's records; hall managers and inspectors may enter for units in their scope.
        register(
            ServiceRecord,
            ScopeRule(
                district="district",
                hall="window__hall",
                unit="unit",
                staff="staff",
                operator=None,
                editors=frozenset({Role.UNIT_ADMIN, Role.HALL_MANAGER, Role.INSPECTOR}),
            ),
        )
