"""An SMS reply to an invitation as a ``RatingInput``, handed to the door."""

from __future__ import annotations

from datetime import datetime

from pingyi.ledger.models import ServiceRecord
from pingyi.lib import scales
from pingyi.ratings.intake import RatingInput, rating_submit
from pingyi.ratings.models import Rating


def submit(
    record: ServiceRecord, *, scale: scales.Scale, level: int, phone: str, received_at: datetime
) -> Rating:
    """Store the reply's rating of ``record``; raises the door's RatingError (AlreadyRated when it was rated)."""
    return rating_submit(
        RatingInput(
            channel=scales.Channel.SMS,
            scale=scale,
            level=level,
            record=record,
            stage=Rating.Stage.FINISHED,
            phone=phone,
            rated_at=received_at,
        )
    )
