from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    """The closed loop: every 差评 a ticket, to a verified, rectified and accountable end."""

    name = "pingyi.tickets"
    verbose_name = _("差评整改")

    def ready(self) -> None:
        from pingyi.accounts.models import Role
        from pingyi.accounts.scopes import ScopeRule, register
        from pingyi.tickets.models import (
            AccountabilityRecord,
            Mechanism,
            SanctionType,
            Suggestion,
            Ticket,
            TicketEvent,
        )

        # The unit that served handles its tickets; the hall watches them; inspectors review. Window staff do not
        # see tickets about them (the citizen's words reach them through their own ratings, without the citizen).
        rule = ScopeRule(district="district", hall="window__hall", unit="unit")
        register(Ticket, rule)
        register(
            TicketEvent,
            ScopeRule(district="ticket__district", hall="ticket__window__hall", unit="ticket__unit"),
        )
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

        from pingyi.documents import kinds
        from pingyi.tickets.documents import SUGGESTION_LETTER, SUPERVISION_LETTER

        kinds.register(SUPERVISION_LETTER)
        kinds.register(SUGGESTION_LETTER)
        from pingyi.ratings.hooks import on_negative
        from pingyi.tickets.services import ticket_open_for_rating

        on_negative(ticket_open_for_rating)
