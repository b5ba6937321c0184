"""A window device's rating of a service record as a ``RatingInput``, handed to the door."""

from __future__ import annotations

from datetime import datetime

from pingyi.ledger.models import ServiceRecord
from pingyi.lib import scales
from pingyi.ratings.intake import RatingInput, rating_submit
from pingyi.ratings.models import Device, Rating


def submit(
    device: Device,
    record: ServiceRecord,
    *,
    scale: scales.Scale,
    level: int,
    stage: str,
    kind: str,
    follows: Rating | None,
    tags: list[str],
    dimensions: dict[str, int],
    comment: str,
    rated_at: datetime | None,
) -> Rating:
    """Store the rating; raises the door's RatingError."""
    return rating_submit(
        RatingInput(
            channel=scales.Channel.PAD if device.kind == Device.Kind.PAD else scales.Channel.TERMINAL,
            scale=scale,
            level=level,
            record=record,
            # The rating belongs to the device's window; staff is the record's, else whoever is on duty there.
            window=device.window,
            staff=record.staff,
            stage=stage,
            kind=kind,
            follows=follows,
            tags=tags,
            dimensions=dimensions,
            comment=comment,
            rated_at=rated_at,
            device=device,
        )
    )
