"""The portable store: the door's decision taken with the ORM, one question after another (every database; the
reference for the PostgreSQL statement in ``statement``)."""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from pingyi.lib import crypto
from pingyi.ratings.errors import AlreadyRated, InvalidRating
from pingyi.ratings.intake.checks import (
    check_limits,
    integrity_flags,
    new_rating,
    recent_counts,
    resolve,
    validate,
)
from pingyi.ratings.intake.input import RatingInput
from pingyi.ratings.models import Rating


def rating_submit_portable(data: RatingInput) -> Rating:
    """The ORM path of ``rating_submit``: every database and the reference for the PostgreSQL statement."""
    level, tags, dimensions, phone, comment = validate(data)
    resolve(data)
    now = timezone.now()
    rated_at = data.rated_at or now
    if rated_at > now + timedelta(minutes=5):
        raise InvalidRating("评价时间不能晚于当前时间", field="rated_at")
    phone_index = crypto.blind_index(phone) if phone else ""
    # A second first rating of a record and stage is refused by the unique constraint (AlreadyRated below).
    if data.kind == Rating.Kind.FOLLOW_UP and data.follows is None and data.record is not None:
        data.follows = (
            Rating.objects.filter(record=data.record, stage=data.stage, kind=Rating.Kind.FIRST)
            .order_by("id")
            .first()
        )
        if data.follows is None:
            raise InvalidRating("该办件尚未评价，不能追加评价", field="kind")
    recent = recent_counts(data, phone_index, rated_at, now)
    check_limits(data, recent, phone_index)
    assert data.unit is not None
    rating = new_rating(
        data,
        level=level,
        tags=tags,
        dimensions=dimensions,
        comment=comment,
        phone=phone,
        rated_at=rated_at,
        district_id=data.unit.district_id,
        unit=data.unit,
        window=data.window,
        staff=data.staff,
        item=data.item,
        record=data.record,
    )
    rating.flags = integrity_flags(data, phone_index, rated_at, recent)
    try:
        if transaction.get_connection().in_atomic_block:
            with (
                transaction.atomic()
            ):  # a savepoint, so that a duplicate does not break the caller's transaction
                rating.save()
        else:
            rating.save()  # autocommit: one INSERT, no BEGIN/COMMIT round trips
    except IntegrityError as exc:
        if data.record is not None and data.kind == Rating.Kind.FIRST:
            raise AlreadyRated() from exc
        raise
    return rating
