"""An operator's entry of a caller's rating as a ``RatingInput``, handed to the door."""

from __future__ import annotations

from typing import Any

from pingyi.accounts.models import User
from pingyi.lib import scales
from pingyi.ratings.intake import RatingInput, rating_submit
from pingyi.ratings.models import Rating


def submit(entry: dict[str, Any], scale: scales.Scale, operator: User) -> Rating:
    """Store the rating of a valid ``OperatorRatingForm``'s cleaned data; raises the door's RatingError."""
    return rating_submit(
        RatingInput(
            channel=scales.Channel(entry["channel"]),
            scale=scale,
            level=entry["level"],
            unit=entry["unit"],
            window=entry["window"],
            item=entry["item"],
            tags=entry["tags"],
            comment=entry["comment"],
            phone=entry["phone"],
            rated_at=entry["rated_at"],
            entered_by=operator,
            external_ref=entry["external_ref"],
        )
    )
