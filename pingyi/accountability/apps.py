"""The accountability app: its scope rules and the 纪检监察建议书's document kind."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    """问责处理, 纪检监察建议书 and 制度机制, grounded in true tickets and confirmed inspection findings."""

    name = "pingyi.accountability"
    verbose_name = _("问责")

    def ready(self) -> None:
        from pingyi.accountability.letter import SUGGESTION_LETTER
        from pingyi.accountability.models import AccountabilityRecord, Mechanism, SanctionType, Suggestion
        from pingyi.accounts.models import Role
        from pingyi.accounts.scopes import ScopeRule, register
        from pingyi.documents import kinds

        # Decisions and suggestions reach the unit concerned; mechanisms are the units' own, in the open.
        inspectors = frozenset({Role.INSPECTOR})
        register(AccountabilityRecord, ScopeRule(district="district", unit="unit", editors=inspectors))
        register(Suggestion, ScopeRule(district="district", unit="unit", editors=inspectors))
        register(
            Mechanism,
            ScopeRule(
                district="district",
                hall="unit__windows__hall",
                unit="unit",
                editors=inspectors | {Role.UNIT_ADMIN},
            ),
        )
        register(SanctionType, ScopeRule(district=None, editors=inspectors))
        kinds.register(SUGGESTION_LETTER)
