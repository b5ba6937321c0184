"""Builders of the ticket tests (the accountability tests import them too): a 差评 and its ticket, the unit's
return visit and verification, a ticket found true (the appeal's second inspector is tests/conftest.py's)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from pingyi.lib.scales import Channel, Scale
from pingyi.ratings.intake import RatingInput, rating_submit
from pingyi.tickets.choices import Verdict
from pingyi.tickets.services import ticket_act, ticket_open_for_rating


@pytest.fixture
def negative(world):
    """A 不满意 QR rating of unit A's window with a reason, a comment and a callback phone."""
    return rating_submit(
        RatingInput(
            channel=Channel.QR,
            scale=Scale.FIVE,
            level=2,
            window=world.window_a,
            tags=["214"],
            comment="等了一个小时没人理",
            phone="13912345678",
            rated_at=timezone.now() - timedelta(minutes=5),
        )
    )


@pytest.fixture
def ticket(negative):
    return ticket_open_for_rating(negative)


def visit(world, ticket):
    """Unit A's admin records the return visit of ``ticket``."""
    return ticket_act(
        actor=world.users["unit_a"],
        ticket_id=ticket.pk,
        action="visit",
        caller="王科长",
        called_at=timezone.now() - timedelta(minutes=1),
        citizen_said="排队太久，窗口人员态度冷淡",
    )


def verify(world, ticket, verdict, evidence="监控录像 3 号机 10:02–10:40"):
    """Unit A's admin verifies ``ticket`` with ``verdict``."""
    return ticket_act(
        actor=world.users["unit_a"], ticket_id=ticket.pk, action="verify", verdict=verdict, evidence=evidence
    )


@pytest.fixture
def true_ticket(world, ticket):
    """The ticket of ``negative``, visited and found true (属实): grounds for accountability."""
    visit(world, ticket)
    return verify(world, ticket, Verdict.TRUE, evidence="")
