"""Property test over random sequences of actions by random people, and two people closing one ticket at once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pingyi.audit.models import AuditEntry
from pingyi.tickets.choices import Source, State, Verdict
from pingyi.tickets.models import Ticket
from pingyi.tickets.services import TicketError, ticket_act, ticket_open
from pingyi.tickets.workflow import ACTIONS, INSPECTOR, UNIT

FIELDS = {
    "visit": {"caller": "王科长", "citizen_said": "态度不好"},
    "verify": {"evidence": "录像"},
    "rectify": {"plan": "培训", "proof": "签到表"},
}
PEOPLE = ["unit_a", "unit_b", "inspector", "inspector2", "hall_manager", "clerk"]


def _fields(action: str, verdict: str) -> dict:
    fields = dict(FIELDS.get(action, {"note": "意见"}))
    if action == "visit":
        fields["called_at"] = timezone.now() - timedelta(minutes=1)
    if action == "verify":
        fields["verdict"] = verdict
    return fields


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(PEOPLE), st.sampled_from(sorted(ACTIONS)), st.sampled_from(Verdict.values)),
        max_size=14,
    )
)
def test_random_sequences_keep_the_ticket_consistent(world, second_inspector, steps):
    people = {**world.users, "inspector2": second_inspector}
    ticket = ticket_open(actor="system", unit=world.unit_a, source=Source.INSPECTOR, summary="交办")
    audit_before = AuditEntry.objects.count()
    done = 0
    for who, action, verdict in steps:
        state = Ticket.objects.get(pk=ticket.pk).state
        spec = ACTIONS[action]
        actor = people[who]
        allowed_person = (spec.side == UNIT and who == "unit_a") or (
            spec.side == INSPECTOR and who in ("inspector", "inspector2")
        )
        try:
            after = ticket_act(actor=actor, ticket_id=ticket.pk, action=action, **_fields(action, verdict))
        except TicketError:
            refused = True
        else:
            refused = False
            done += 1
            assert state in spec.sources and allowed_person
            assert (after.closed_at is not None) == (after.state == State.CLOSED)
            if after.revoked:
                assert after.verdict == Verdict.UNTRUE
        if refused:
            assert Ticket.objects.get(pk=ticket.pk).state == state
            # Refused only for a reason: wrong person, wrong state, or the first reviewer revoking.
            same_reviewer = (
                action == "revoke" and Ticket.objects.get(pk=ticket.pk).appeal_reviewer_id == actor.pk
            )
            assert not allowed_person or state not in spec.sources or same_reviewer
    final = Ticket.objects.get(pk=ticket.pk)
    assert final.events.count() == done + 1
    assert AuditEntry.objects.count() == audit_before + done
    assert final.state in State.values


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks under real concurrency"
)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_inspectors_closing_at_once_leave_one_result(world, second_inspector):
    ticket = ticket_open(actor="system", unit=world.unit_a, source=Source.INSPECTOR, summary="交办")
    ticket_act(
        actor=world.users["unit_a"],
        ticket_id=ticket.pk,
        action="visit",
        caller="x",
        called_at=timezone.now() - timedelta(minutes=1),
        citizen_said="x",
    )
    ticket_act(
        actor=world.users["unit_a"],
        ticket_id=ticket.pk,
        action="verify",
        verdict=Verdict.EXPLAINED,
        evidence="依据",
    )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def close(actor):
        barrier.wait()
        try:
            ticket_act(actor=actor, ticket_id=ticket.pk, action="review_pass")
            outcomes.append("closed")
        except TicketError as exc:
            outcomes.append(str(exc))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=close, args=(who,)) for who in (world.users["inspector"], second_inspector)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes)[0] == "closed"
    assert "工单当前状态为“已办结”，不能审核通过" in outcomes
    final = Ticket.objects.get(pk=ticket.pk)
    assert final.state == State.CLOSED
    assert final.events.filter(action="review_pass").count() == 1
