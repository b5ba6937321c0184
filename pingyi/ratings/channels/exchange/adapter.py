"""A checked row of an import file (a ``RatingInput`` built by ``services``), handed to the door."""

from __future__ import annotations

from pingyi.ratings.intake import RatingInput, rating_submit
from pingyi.ratings.models import Rating


def submit(data: RatingInput, *, external_ref: str) -> Rating:
    """Store one imported row as ``external_ref`` (file digest and row number); raises the door's RatingError.

    A follow-up follows the first rating of its own record and stage, which an earlier row may have stored.
    """
    data.external_ref = external_ref
    if data.kind == Rating.Kind.FOLLOW_UP and data.record is not None:
        firsts = Rating.objects.filter(record=data.record, stage=data.stage, kind=Rating.Kind.FIRST)
        data.follows = firsts.order_by("id").first()
    return rating_submit(data)
