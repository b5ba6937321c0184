"""The one intake service every channel uses: validation, duplicates, flags, tracking codes."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from pingyi.catalog.models import DutyShift
from pingyi.ledger.models import ServiceRecord
from pingyi.lib.scales import Channel, Scale
from pingyi.ratings.errors import AlreadyRated, InvalidRating
from pingyi.ratings.intake import RatingInput, rating_submit
from pingyi.ratings.models import Rating, new_tracking_code


@pytest.fixture
def record(world):
    return ServiceRecord.objects.create(
        district=world.district,
        unit=world.unit_a,
        window=world.window_a,
        staff=world.staff_a,
        item=world.item_a,
        record_no="2026-0001",
        received_at=timezone.now() - timedelta(hours=1),
        source=ServiceRecord.Source.MANUAL,
    )


def test_a_qr_rating_of_a_window_belongs_to_whoever_was_on_duty(world):
    now = timezone.now()
    DutyShift.objects.create(
        window=world.window_b,
        staff=world.staff_b,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
    )
    rating = rating_submit(RatingInput(channel=Channel.QR, scale=Scale.FIVE, level=5, window=world.window_b))
    assert rating.staff == world.staff_b and rating.unit == world.unit_b and rating.level5 == 5
    assert not rating.negative and rating.tracking_code is None


def test_a_negative_rating_gets_a_tracking_code(world):
    rating = rating_submit(RatingInput(channel=Channel.QR, scale=Scale.THREE, level=1, window=world.window_a))
    assert rating.negative and rating.level5 == 2 and len(rating.tracking_code) == 10


def test_tracking_codes_are_easy_to_read_out_and_never_repeat():
    codes = {new_tracking_code() for _ in range(2000)}
    assert len(codes) == 2000
    letters = "".join(codes)
    # every letter and digit of the alphabet turns up; none that looks like another (0/O, 1/I)
    assert set(letters) == set("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
    assert all(len(code) == 10 for code in codes)


def test_a_tag_of_another_level_is_refused(world):
    with pytest.raises(InvalidRating, match="不属于"):
        rating_submit(
            RatingInput(channel=Channel.QR, scale=Scale.FIVE, level=5, window=world.window_a, tags=["108"])
        )
    assert not Rating.objects.exists()


def test_a_record_is_rated_once_per_stage_and_follow_ups_are_their_own_kind(world, record):
    first = rating_submit(
        RatingInput(channel=Channel.PAD, scale=Scale.FIVE, level=4, record=record, stage="finished")
    )
    with pytest.raises(AlreadyRated, match="该办件已评价"):
        rating_submit(
            RatingInput(channel=Channel.PAD, scale=Scale.FIVE, level=1, record=record, stage="finished")
        )
    other_stage = rating_submit(
        RatingInput(channel=Channel.PAD, scale=Scale.FIVE, level=5, record=record, stage="accepted")
    )
    follow = rating_submit(
        RatingInput(
            channel=Channel.PAD,
            scale=Scale.FIVE,
            level=2,
            record=record,
            stage="finished",
            kind=Rating.Kind.FOLLOW_UP,
        )
    )
    assert follow.follows == first and other_stage.kind == "first"
    assert Rating.objects.filter(record=record).count() == 3


def test_a_rating_from_a_staff_phone_is_stored_and_flagged(world, record):
    rating = rating_submit(
        RatingInput(
            channel=Channel.QR,
            scale=Scale.FIVE,
            level=5,
            window=world.window_a,
            phone="13800001111",
            rated_at=timezone.make_aware(datetime(2026, 11, 23, 10, 0)),
        )
    )
    assert "staff_phone" in rating.flags
    assert rating.phone_masked == "138****1111" and "13800001111" not in rating.phone_ciphertext
