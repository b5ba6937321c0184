"""Disclosure: a 差评 found true with a person held accountable, and a bulletin factory (reviewed by tests/conftest.py's
``second_inspector``); the finding types put back as the inspection tests do."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from pingyi.accountability.models import SanctionType
from pingyi.accountability.services import accountability_record
from pingyi.disclosure.services import bulletin_draft, bulletin_publish, bulletin_review
from pingyi.lib.scales import Channel, Scale
from pingyi.ratings.intake import RatingInput, rating_submit
from pingyi.tickets.choices import Verdict
from pingyi.tickets.services import ticket_act, ticket_open_for_rating
from tests.inspections.conftest import finding_types  # noqa: F401  (autouse fixture shared with the inspection tests)

RATER_PHONE = "13912345678"
RATER_COMMENT = "窗口人员迟迟未上岗，害我白跑一趟"


@pytest.fixture
def true_ticket(world):
    """A 不满意 of unit B's window (staff 龙强 on duty), visited and found true; the rater left a phone."""
    rating = rating_submit(
        RatingInput(
            channel=Channel.QR,
            scale=Scale.FIVE,
            level=1,
            window=world.window_b,
            staff=world.staff_b,
            tags=["115"],
            comment=RATER_COMMENT,
            phone=RATER_PHONE,
            rated_at=timezone.now() - timedelta(minutes=30),
        )
    )
    ticket = ticket_open_for_rating(rating)
    admin = world.users["unit_b"]
    ticket_act(
        actor=admin,
        ticket_id=ticket.pk,
        action="visit",
        caller="王科长",
        called_at=timezone.now() - timedelta(minutes=10),
        citizen_said="九点还没人",
    )
    return ticket_act(actor=admin, ticket_id=ticket.pk, action="verify", verdict=Verdict.TRUE, evidence="")


@pytest.fixture
def sanctioned(world, true_ticket):
    """龙强 given a 政务警告 on the grounds of the true ticket."""
    return accountability_record(
        actor=world.users["inspector"],
        unit=world.unit_b,
        staff=world.staff_b,
        person_name=world.staff_b.name,
        person_title="窗口值班人员",
        sanction=SanctionType.objects.get(name="政务警告"),
        reason="未经批准私自调整上班时间，迟到早退",
        decided_on=timezone.localdate(),
        tickets=[true_ticket],
    )


@pytest.fixture
def make_bulletin(world, second_inspector):
    """``make_bulletin(publish=True, **fields)``: drafted by the inspector, reviewed by the second, published."""

    def make(*, publish: bool = True, **fields: Any):
        values = {
            "kind": "typical",
            "title": "关于违反评议纪律典型问题的通报",
            "body": "区城管局窗口值班人员未经批准私自调整上班时间，群众扫码给出不满意评价。",
            **fields,
        }
        bulletin = bulletin_draft(actor=world.users["inspector"], district=world.district, **values)
        if publish:
            bulletin_review(actor=second_inspector, bulletin_id=bulletin.pk)
            bulletin = bulletin_publish(actor=world.users["inspector"], bulletin_id=bulletin.pk)
        return bulletin

    return make
