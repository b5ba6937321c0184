"""ticket_due_soon: an open ticket whose current deadline falls within 8 hours and has not passed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alerts_builders import NOW

from pingyi.alerts.evaluate import alerts_evaluate
from pingyi.alerts.models import Alert, AlertKind
from pingyi.tickets.models import Ticket, TicketEvent
from pingyi.tickets.services import ticket_act, ticket_open_for_rating

KIND = [AlertKind.TICKET_DUE_SOON]


@pytest.fixture
def ticket(world, plant) -> Ticket:
    """A 不满意 at window A on Wednesday 16 September 2026, 10:00: the return visit is due at the end of Thursday."""
    rating = plant.rating(world.window_a, NOW, level5=2)
    plant.save()
    ticket = ticket_open_for_rating(rating)
    assert ticket.visit_due is not None
    return ticket


def _alerts() -> list[Alert]:
    return list(Alert.objects.filter(kind=AlertKind.TICKET_DUE_SOON))


def test_a_ticket_three_hours_before_its_return_visit_deadline_is_raised(world, ticket):
    alerts_evaluate(ticket.visit_due - timedelta(hours=3), kinds=KIND)

    [alert] = _alerts()
    assert alert.ticket == ticket and alert.unit == world.unit_a and alert.window == world.window_a
    assert alert.subject_key == f"ticket:{ticket.pk}:visit"
    assert alert.evidence["tracking_code"] == ticket.tracking_code
    assert alert.evidence["phase"] == "回访" and alert.evidence["hours_left"] == 3.0
    assert ticket.tracking_code in alert.summary
    detail = world.client("unit_a").get(f"/alerts/{alert.pk}/").content.decode()
    assert f'href="/tickets/{ticket.pk}/"' in detail and "剩余小时" in detail


def test_a_day_before_the_deadline_is_too_early(ticket):
    alerts_evaluate(ticket.visit_due - timedelta(hours=20), kinds=KIND)

    assert _alerts() == []


def test_an_overdue_ticket_is_escalation_not_an_alert(ticket):
    alerts_evaluate(ticket.visit_due + timedelta(minutes=1), kinds=KIND)

    assert _alerts() == []


def test_the_alert_clears_once_the_return_visit_is_done_and_the_next_deadline_is_far(world, ticket):
    alerts_evaluate(ticket.visit_due - timedelta(hours=3), kinds=KIND)
    ticket_act(
        actor=world.users["unit_a"],
        ticket_id=ticket.pk,
        action="visit",
        caller="王科长",
        called_at=NOW + timedelta(hours=1),
        citizen_said="等候时间太长",
    )

    alerts_evaluate(ticket.visit_due - timedelta(hours=2), kinds=KIND)

    [alert] = _alerts()
    assert alert.status == Alert.Status.CLOSED and alert.close_reason == Alert.CloseReason.CLEARED


def test_the_alert_adds_no_reminder_of_its_own_to_the_ticket(ticket):
    before = TicketEvent.objects.filter(ticket=ticket).count()

    alerts_evaluate(ticket.visit_due - timedelta(hours=3), kinds=KIND)

    assert TicketEvent.objects.filter(ticket=ticket).count() == before
    assert Ticket.objects.get(pk=ticket.pk).reminded_at is None
