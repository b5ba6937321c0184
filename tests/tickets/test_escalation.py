"""Reminders before a deadline, 督办 after it — once per working day of delay, never for a closed ticket."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from pingyi.audit.models import AuditEntry
from pingyi.tickets.choices import Source, State
from pingyi.tickets.escalation import tickets_escalate
from pingyi.tickets.services import ticket_act, ticket_open


def _at(text: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(text))


def _ticket(world):
    # Opened Wednesday 25 Nov 2026 10:00: return visit due Thursday 26 Nov 24:00.
    return ticket_open(
        actor="system",
        unit=world.unit_a,
        source=Source.HOTLINE,
        summary="投诉",
        opened_at=_at("2026-11-25 10:00"),
    )


def test_a_reminder_comes_once_before_the_visit_deadline(world):
    ticket = _ticket(world)
    assert tickets_escalate(_at("2026-11-25 11:00")).reminded == 0  # 37 hours before: not yet
    run = tickets_escalate(_at("2026-11-26 09:00"))
    assert (run.reminded, run.escalated) == (1, 0)
    assert tickets_escalate(_at("2026-11-26 10:00")).reminded == 0
    assert ticket.events.filter(action="remind").count() == 1


def test_an_overdue_visit_is_escalated_once_per_working_day(world):
    ticket = _ticket(world)
    assert tickets_escalate(_at("2026-11-27 09:00")).escalated == 1
    assert tickets_escalate(_at("2026-11-27 16:00")).escalated == 0  # same day
    assert tickets_escalate(_at("2026-11-28 09:00")).escalated == 0  # Saturday: no working day has passed
    assert tickets_escalate(_at("2026-11-30 09:00")).escalated == 1  # Monday
    ticket.refresh_from_db()
    assert ticket.escalation == 2
    assert ticket.events.filter(action="escalate").last().note == "回访逾期，第 2 次督办"
    assert AuditEntry.objects.filter(action="ticket.escalate").count() == 2


def test_visiting_in_time_stops_the_visit_escalation(world):
    ticket = _ticket(world)
    ticket_act(
        actor=world.users["unit_a"],
        ticket_id=ticket.pk,
        action="visit",
        caller="x",
        called_at=timezone.now() - timedelta(minutes=1),
        citizen_said="x",
    )
    # Rectification is due 15 working days after 25 Nov: end of 16 Dec 2026.
    assert tickets_escalate(_at("2026-11-27 09:00")).escalated == 0
    assert tickets_escalate(_at("2026-12-17 09:00")).escalated == 1


def test_closed_tickets_are_left_alone(world):
    ticket = _ticket(world)
    ticket.state = State.CLOSED
    ticket.closed_at = timezone.now()
    ticket.save()
    run = tickets_escalate(_at("2027-01-10 09:00"))
    assert (run.reminded, run.escalated) == (0, 0)
