"""Reminders before a deadline and 督办 (escalation) after it, run by the worker.

- A reminder: once per deadline, ``PINGYI_TICKET_REMIND_HOURS`` before the return-visit or rectification deadline of
  an open ticket — to the unit's admins (an in-app notice on their ticket list; an event on the timeline).
- 督办: when a deadline passes on an open ticket, the escalation count goes up by one (at most once per working day
  of delay), to the unit head and the district's inspectors; each 督办 is an event, an audit entry, and the basis of
  the 督办函 document (``supervision.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from pingyi.accounts.roles import SYSTEM
from pingyi.audit.services import audit_record
from pingyi.tickets.choices import State
from pingyi.tickets.models import Ticket, TicketEvent
from pingyi.workdays import days


@dataclass
class EscalationRun:
    reminded: int = 0
    escalated: int = 0


def _deadline(ticket: Ticket) -> tuple[str, datetime | None]:
    if ticket.state == State.OPEN:
        return "visit", ticket.visit_due
    return "rectify", ticket.rectify_due


def _last_escalation(ticket: Ticket) -> TicketEvent | None:
    return ticket.events.filter(action="escalate").order_by("-at").first()


def tickets_escalate(now: datetime | None = None) -> EscalationRun:
    now = now or timezone.now()
    run = EscalationRun()
    soon = now + timedelta(hours=settings.PINGYI_TICKET_REMIND_HOURS)
    candidates = Ticket.objects.exclude(state=State.CLOSED).filter(
        Q(state=State.OPEN, visit_due__lte=soon) | Q(rectify_due__lte=soon)
    )
    for ticket in candidates.select_related("unit"):
        kind, due = _deadline(ticket)
        if due is None:
            continue
        if due > now:
            if ticket.reminded_at is None or ticket.reminded_at < due - timedelta(
                hours=settings.PINGYI_TICKET_REMIND_HOURS
            ):
                _remind(ticket, kind, due, now)
                run.reminded += 1
            continue
        last = _last_escalation(ticket)
        if last is not None and last.data.get("kind") == kind:
            try:
                if (
                    days.working_days_between(
                        timezone.localtime(last.at).date(), timezone.localtime(now).date()
                    )
                    < 1
                ):
                    continue
            except days.UnknownYear:
                continue
        _escalate(ticket, kind, due, now)
        run.escalated += 1
    return run


def _remind(ticket: Ticket, kind: str, due: datetime, now: datetime) -> None:
    with transaction.atomic():
        Ticket.objects.filter(pk=ticket.pk).update(reminded_at=now)
        TicketEvent.objects.create(
            ticket=ticket,
            at=now,
            actor_label="system",
            action="remind",
            from_state=ticket.state,
            to_state=ticket.state,
            note=f"{'回访' if kind == 'visit' else '整改'}期限 {timezone.localtime(due):%Y-%m-%d %H:%M} 将到",
            data={"kind": kind, "due": due.isoformat()},
        )
        audit_record(actor=SYSTEM, action="ticket.remind", obj=ticket, after={"kind": kind})


def _escalate(ticket: Ticket, kind: str, due: datetime, now: datetime) -> None:
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if locked.state == State.CLOSED:
            return
        locked.escalation += 1
        locked.save(update_fields=["escalation"])
        TicketEvent.objects.create(
            ticket=locked,
            at=now,
            actor_label="system",
            action="escalate",
            from_state=locked.state,
            to_state=locked.state,
            note=f"{'回访' if kind == 'visit' else '整改'}逾期，第 {locked.escalation} 次督办",
            data={"kind": kind, "due": due.isoformat(), "level": locked.escalation},
        )
        audit_record(
            actor=SYSTEM,
            action="ticket.escalate",
            obj=locked,
            after={"kind": kind, "level": locked.escalation},
        )
