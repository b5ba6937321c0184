"""The ticket workflow: every legal path, every illegal step refused, who may act, the timeline and the audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from pingyi.audit.models import AuditEntry
from pingyi.lib.scales import Channel, Scale
from pingyi.ratings.intake import RatingInput, rating_submit
from pingyi.tickets.choices import Source, State, Verdict
from pingyi.tickets.models import Ticket
from pingyi.tickets.services import TicketError, handling_rate, ticket_act, ticket_open, tickets_open_pending
from tests.tickets.conftest import verify, visit


def _act(world, who, ticket, action, **fields):
    fields.setdefault("note", "意见")
    return ticket_act(
        actor=world.users[who] if isinstance(who, str) else who, ticket_id=ticket.pk, action=action, **fields
    )


def test_every_negative_rating_gets_one_ticket_routed_to_the_unit_that_served(world, negative):
    positive = rating_submit(
        RatingInput(channel=Channel.QR, scale=Scale.FIVE, level=5, window=world.window_b)
    )
    assert tickets_open_pending() == 1
    assert tickets_open_pending() == 0  # idempotent
    ticket = Ticket.objects.get()
    assert ticket.rating == negative and ticket.unit == world.unit_a and ticket.window == world.window_a
    assert ticket.tracking_code == negative.tracking_code
    assert "服务态度生硬" in ticket.summary and "等了一个小时没人理" in ticket.summary
    assert ticket.phone_masked == "139****5678" and ticket.phone_plain() == "13912345678"
    assert ticket.state == State.OPEN and ticket.visit_due and ticket.rectify_due
    assert not Ticket.objects.filter(rating=positive).exists()


def test_deadlines_follow_the_working_day_calendar(world):
    # Opened Friday 27 Nov 2026 17:55 (Beijing): return visit by Monday 24:00, rectification 15 working days later.
    opened = timezone.make_aware(timezone.datetime(2026, 11, 27, 17, 55))
    ticket = ticket_open(
        actor=world.users["operator"],
        unit=world.unit_a,
        source=Source.HOTLINE,
        summary="投诉",
        opened_at=opened,
    )
    local_visit = timezone.localtime(ticket.visit_due)
    assert (local_visit.date().isoformat(), local_visit.hour) == ("2026-12-01", 0)
    assert (
        timezone.localtime(ticket.rectify_due).date().isoformat() == "2026-12-19"
    )  # end of Friday 18 December


def test_a_ticket_opened_in_an_unknown_year_has_no_deadline_yet(world):
    opened = timezone.make_aware(timezone.datetime(2027, 3, 1, 9, 0))
    ticket = ticket_open(
        actor="system", unit=world.unit_a, source=Source.INSPECTOR, summary="交办", opened_at=opened
    )
    assert ticket.visit_due is None and ticket.rectify_due is None
    assert "2027 年的节假日安排尚未录入" in ticket.events.get().note


def test_true_complaint_path_to_closure(world, ticket):
    visit(world, ticket)
    t = verify(world, ticket, Verdict.TRUE, evidence="")
    assert t.state == State.RECTIFYING
    t = ticket_act(
        actor=world.users["unit_a"], ticket_id=ticket.pk, action="rectify", plan="增设导办员", proof="排班表"
    )
    assert t.state == State.REVIEW
    t = _act(world, "inspector", ticket, "review_pass")
    assert t.state == State.CLOSED and t.closed_at and not t.revoked
    assert [e.action for e in t.events.all()] == ["open", "visit", "verify", "rectify", "review_pass"]


def test_a_failed_review_reopens_rectification(world, ticket):
    visit(world, ticket)
    verify(world, ticket, Verdict.PARTLY)
    ticket_act(
        actor=world.users["unit_a"], ticket_id=ticket.pk, action="rectify", plan="口头提醒", proof="无"
    )
    t = _act(world, "inspector", ticket, "review_fail", note="佐证不足")
    assert t.state == State.RECTIFYING and t.reopened == 1


def test_an_explanation_goes_to_review(world, ticket):
    visit(world, ticket)
    t = verify(world, ticket, Verdict.EXPLAINED, evidence="该事项法定需现场核验，已向群众解释")
    assert t.state == State.REVIEW
    assert _act(world, "inspector", ticket, "review_pass").state == State.CLOSED


def test_untrue_needs_two_different_inspectors_to_revoke(world, ticket, second_inspector):
    visit(world, ticket)
    t = verify(world, ticket, Verdict.UNTRUE)
    assert t.state == State.APPEAL
    t = _act(world, "inspector", ticket, "appeal_accept", note="录像显示按时接待")
    assert t.state == State.APPEAL_SECOND
    with pytest.raises(TicketError, match="另一名纪检监察人员"):
        _act(world, "inspector", ticket, "revoke")
    t = _act(world, second_inspector, ticket, "revoke", note="复核同意")
    assert t.state == State.CLOSED and t.revoked
    t.rating.refresh_from_db()
    assert t.rating.negative  # the rating itself stays


def test_a_rejected_appeal_means_rectification(world, ticket):
    visit(world, ticket)
    verify(world, ticket, Verdict.UNTRUE)
    t = _act(world, "inspector", ticket, "appeal_reject", note="证据不足")
    assert t.state == State.RECTIFYING and t.verdict == Verdict.TRUE


@pytest.mark.parametrize(
    ("action", "fields"),
    [
        ("rectify", {"plan": "x", "proof": "y"}),
        ("review_pass", {}),
        ("appeal_accept", {"note": "x"}),
        ("revoke", {"note": "x"}),
        ("reopen", {"note": "x"}),
    ],
)
def test_illegal_transitions_are_refused_with_the_state(world, ticket, action, fields):
    who = "unit_a" if action == "rectify" else "inspector"
    with pytest.raises(TicketError, match="工单当前状态为“待回访”，不能"):
        ticket_act(actor=world.users[who], ticket_id=ticket.pk, action=action, **fields)
    ticket.refresh_from_db()
    assert ticket.state == State.OPEN and ticket.events.count() == 1


@pytest.mark.parametrize("who", ["unit_b", "hall_manager", "clerk", "operator", "inspector", "outsider"])
def test_only_the_units_admin_records_the_visit(world, ticket, who):
    with pytest.raises(TicketError, match="只有承办单位管理员可以记录回访"):
        _visit_as(world, ticket, who)


def _visit_as(world, ticket, who):
    return ticket_act(
        actor=world.users[who],
        ticket_id=ticket.pk,
        action="visit",
        caller="x",
        called_at=timezone.now(),
        citizen_said="x",
    )


@pytest.mark.parametrize("who", ["unit_a", "hall_manager", "outsider"])
def test_only_inspectors_of_the_district_review(world, ticket, who):
    visit(world, ticket)
    verify(world, ticket, Verdict.EXPLAINED)
    with pytest.raises(TicketError, match="只有纪检监察人员可以审核通过"):
        _act(world, who, ticket, "review_pass")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"caller": "", "called_at": timezone.now(), "citizen_said": "x"}, "请填写回访人"),
        (
            {"caller": "x", "called_at": timezone.now() + timedelta(days=1), "citizen_said": "x"},
            "不能晚于现在",
        ),
        ({"caller": "x", "called_at": "昨天", "citizen_said": "x"}, "回访时间格式不正确"),
        ({"caller": "x", "called_at": timezone.now(), "citizen_said": "x" * 5001}, "不能超过 5000 字"),
    ],
)
def test_bad_visit_fields_are_refused(world, ticket, fields, message):
    with pytest.raises(TicketError, match=message):
        ticket_act(actor=world.users["unit_a"], ticket_id=ticket.pk, action="visit", **fields)


def test_untrue_without_evidence_is_refused(world, ticket):
    visit(world, ticket)
    with pytest.raises(TicketError, match="请填写核实依据"):
        verify(world, ticket, Verdict.UNTRUE, evidence=" ")


def test_each_step_writes_one_audit_entry(world, ticket):
    before = AuditEntry.objects.count()
    visit(world, ticket)
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.latest("seq")
    assert entry.action == "ticket.visit" and entry.after["state"] == State.VISITED


def test_the_citizen_rates_the_handling_once_after_closure(world, ticket):
    with pytest.raises(TicketError, match="办结后"):
        handling_rate(tracking_code=ticket.tracking_code, level=1)
    visit(world, ticket)
    verify(world, ticket, Verdict.EXPLAINED)
    _act(world, "inspector", ticket, "review_pass")
    assert handling_rate(tracking_code=ticket.tracking_code.lower(), level=3).handling_level == 3
    with pytest.raises(TicketError, match="已评价过"):
        handling_rate(tracking_code=ticket.tracking_code, level=1)


def test_an_inspector_reopens_a_closed_ticket(world, ticket):
    visit(world, ticket)
    verify(world, ticket, Verdict.EXPLAINED)
    _act(world, "inspector", ticket, "review_pass")
    t = _act(world, "inspector", ticket, "reopen", note="群众对处理不满意")
    assert t.state == State.RECTIFYING and t.closed_at is None and t.reopened == 1


def test_closing_asks_the_citizen_by_sms_to_rate_the_handling(world, ticket):
    from pingyi.sms.models import SmsMessage

    visit(world, ticket)
    verify(world, ticket, Verdict.EXPLAINED)
    assert not SmsMessage.objects.filter(kind="ticket").exists()
    _act(world, "inspector", ticket, "review_pass")
    message = SmsMessage.objects.get(kind="ticket")
    assert message.phone_plain() == "13912345678"
    assert f"/track/{ticket.tracking_code}/" in message.body and "已办结" in message.body


@pytest.mark.django_db(transaction=True)
def test_a_negative_rating_opens_its_ticket_as_it_is_stored(world):
    rating = rating_submit(RatingInput(channel=Channel.QR, scale=Scale.FIVE, level=1, window=world.window_a))
    ticket = Ticket.objects.get(rating=rating)  # no sweep needed
    assert ticket.tracking_code == rating.tracking_code
    assert tickets_open_pending() == 0
    positive = rating_submit(
        RatingInput(channel=Channel.QR, scale=Scale.FIVE, level=4, window=world.window_a)
    )
    assert not Ticket.objects.filter(rating=positive).exists()


def test_the_tracking_page_says_a_ticket_is_on_its_way(world, client):
    rating = rating_submit(RatingInput(channel=Channel.QR, scale=Scale.FIVE, level=2, window=world.window_a))
    assert not Ticket.objects.exists()  # inside the test's transaction the after-commit opening has not run
    page = client.get(f"/track/{rating.tracking_code}/")
    assert page.status_code == 200 and "正在转交承办单位" in page.content.decode()


def test_only_the_roles_that_take_complaints_open_tickets(world):
    with pytest.raises(TicketError, match="无权登记此类投诉"):
        ticket_open(actor=world.users["unit_a"], unit=world.unit_b, source=Source.HOTLINE, summary="x")
    with pytest.raises(TicketError, match="无权登记此类投诉"):
        ticket_open(actor=world.users["operator"], unit=world.unit_a, source=Source.INSPECTOR, summary="x")
    with pytest.raises(TicketError, match="本辖区"):
        ticket_open(actor=world.users["outsider"], unit=world.unit_a, source=Source.INSPECTOR, summary="x")
    with pytest.raises(TicketError, match="不满意请找我"):
        ticket_open(actor="citizen", unit=world.unit_a, source=Source.HOTLINE, summary="x")
    assert not Ticket.objects.exists()
