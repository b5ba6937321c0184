"""The tickets app: its scope rules, the 督办函's document kind, and a ticket for every 差评 as it is stored."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    """The closed loop: every 差评 a ticket, to a verified, rectified and accountable end."""

    name = "pingyi.tickets"
    verbose_name = _("差评整改")

    def ready(self) -> None:
        from pingyi.accounts.scopes import ScopeRule, register
        from pingyi.documents import kinds
        from pingyi.tickets.models import Ticket, TicketEvent
        from pingyi.tickets.supervision import SUPERVISION_LETTER

        # The unit that served handles its tickets; the hall watches them; inspectors review. Window staff do not
        # see tickets about them (the citizen's words reach them through their own ratings, without the citizen).
        rule = ScopeRule(district="district", hall="window__hall", unit="unit")
        register(Ticket, rule)
        register(
            TicketEvent,
            ScopeRule(district="ticket__district", hall="ticket__window__hall", unit="ticket__unit"),
        )
        kinds.register(SUPERVISION_LETTER)

        from pingyi.ratings.intake.events import Event, subscribe
        from pingyi.tickets.services import ticket_open_for_rating

        # The ticket opens from the door's event once the rating is stored; tickets.tasks.open_pending's
        # one-minute sweep is the safety net for a receiver that failed.
        subscribe(Event.NEGATIVE_STORED, ticket_open_for_rating)
