"""Staff and unit admins cannot learn who rated them: no phone (full or masked), device or network data, and no
integrity flags, on any page or API they can reach."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from pingyi.catalog.models import DutyShift
from pingyi.lib.scales import Channel, Scale
from pingyi.ratings.intake import RatingInput, rating_submit

PHONE = "13912345678"


@pytest.fixture
def negative_rating(world):
    now = timezone.now()
    DutyShift.objects.create(
        window=world.window_a,
        staff=world.staff_a,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
    )
    return rating_submit(
        RatingInput(
            channel=Channel.QR,
            scale=Scale.FIVE,
            level=1,
            window=world.window_a,
            phone=PHONE,
            comment="等了一个小时",
            device_fp="f" * 64,
            network_fp="e" * 64,
        )
    )


PAGES = ["/", "/ratings/", "/ratings/?flagged=1", "/ratings/?negative=1", "/catalog/staff/", "/api/v1/me"]


@pytest.mark.parametrize("who", ["clerk", "unit_a", "hall_manager"])
def test_the_rated_side_sees_the_rating_but_nothing_about_the_evaluator(world, negative_rating, who):
    client = world.client(who)
    listing = client.get("/ratings/").content.decode()
    assert "等了一个小时" in listing  # the rating itself is theirs to see and learn from
    for url in PAGES:
        body = client.get(url).content.decode()
        for secret in (PHONE, "139****5678", "5678", "f" * 16, "e" * 16, negative_rating.phone_index[:16]):
            assert secret not in body, (who, url, secret)
        assert "staff_phone" not in body and "风险标记" not in body


def test_inspectors_see_the_masked_phone_and_never_the_full_one_on_lists(world, negative_rating):
    body = world.client("inspector").get("/ratings/").content.decode()
    assert "139****5678" in body and PHONE not in body
