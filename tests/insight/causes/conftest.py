"""Planting ratings for the root-cause tests: through the real intake (rating_submit), back-dated as an import is."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from pingyi.catalog.models import ServiceItem, Staff, Window
from pingyi.lib.scales import Channel, Scale
from pingyi.ratings.intake import RatingInput, rating_submit
from pingyi.ratings.models import Rating

TZ = ZoneInfo("Asia/Shanghai")


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TZ)


Rate = Callable[..., Rating]


@pytest.fixture
def rate(world: Any) -> Rate:
    """rate(day, level=2, window=…, item=…, tags=…, comment=…): one rating at 10:00 local on ``day``."""

    def _rate(
        day: date | datetime,
        *,
        level: int = 2,
        window: Window | None = None,
        item: ServiceItem | None = None,
        staff: Staff | None = None,
        tags: Sequence[str] = (),
        tag_version: str = "2020",
        comment: str = "",
        phone: str = "",
        default: bool = False,
    ) -> Rating:
        return rating_submit(
            RatingInput(
                channel=Channel.DEFAULT if default else Channel.QR,
                scale=Scale.FIVE,
                level=level,
                window=window or world.window_a,
                item=item,
                staff=staff,
                tags=list(tags),
                tag_version=tag_version,
                comment=comment,
                phone=phone,
                is_default=default,
                rated_at=day if isinstance(day, datetime) else at(day),
                historical=True,
            )
        )

    return _rate
