"""Builders for the alert tests: ratings and service records planted at chosen times, stored in bulk as the
intake and the ledger store them, and a fixed evaluation moment on a working day."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pingyi.catalog.models import Window
from pingyi.ledger.models import ServiceRecord
from pingyi.ratings.models import Rating
from pingyi.workdays.days import is_working_day

TZ = ZoneInfo("Asia/Shanghai")
# Wednesday 16 September 2026, 10:00 — an ordinary working week (Mid-Autumn is on the 25th).
NOW = datetime(2026, 9, 16, 10, 0, tzinfo=TZ)
_seq = itertools.count(1)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TZ)


def working_days_before(day: date, n: int) -> list[date]:
    """The n working days before ``day``, oldest first."""
    days: list[date] = []
    while len(days) < n:
        day -= timedelta(days=1)
        if is_working_day(day):
            days.append(day)
    return days[::-1]


class Plant:
    """Collects rows, then ``save()`` stores them in bulk."""

    def __init__(self) -> None:
        self.ratings: list[Rating] = []
        self.records: list[ServiceRecord] = []

    def rating(
        self, window: Window, when: datetime, *, level5: int = 5, default: bool = False, channel: str = "qr"
    ) -> Rating:
        rating = Rating(
            district=window.unit.district, unit=window.unit, window=window, channel=channel, scale="five",
            level=level5, level5=level5, negative=level5 <= 2, is_default=default, rated_at=when, received_at=when,
        )  # fmt: skip
        self.ratings.append(rating)
        return rating

    def ratings_at(self, window: Window, when: datetime, levels: list[int]) -> None:
        for i, level5 in enumerate(levels):
            self.rating(window, when + timedelta(minutes=i), level5=level5)

    def record(self, window: Window, when: datetime) -> ServiceRecord:
        n = next(_seq)
        record = ServiceRecord(
            district=window.unit.district, unit=window.unit, window=window, record_no=f"A{n:07d}",
            received_at=when, finished_at=when + timedelta(minutes=10), source=ServiceRecord.Source.UPLOAD,
        )  # fmt: skip
        self.records.append(record)
        return record

    def save(self) -> None:
        ServiceRecord.objects.bulk_create(self.records)
        Rating.objects.bulk_create(self.ratings)
        self.records, self.ratings = [], []
