from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from pingyi.accounts.models import Role
from pingyi.accounts.services import user_create
from pingyi.lib.scales import Channel, Scale
from pingyi.ratings.services import RatingInput, rating_submit
from pingyi.tickets.services import ticket_open_for_rating


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


@pytest.fixture
def second_inspector(world):
    return user_create(
        actor=None,
        username="inspector2",
        password="correct-horse-battery",
        role=Role.INSPECTOR,
        district=world.district,
    )
