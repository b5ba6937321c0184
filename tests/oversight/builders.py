"""A clean hall of five units with three months of history (June–August 2026) and the compared month (September),
plus helpers that plant one violation at a time. Rows are bulk-inserted, as the ledger and the ratings intake store
them."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import F

from pingyi.catalog.models import Unit, Window, WindowHours
from pingyi.ledger.models import ServiceRecord
from pingyi.lib import crypto
from pingyi.oversight.models import ComparisonRun
from pingyi.oversight.services import comparison_run_period
from pingyi.ratings.models import Rating
from pingyi.workdays.days import is_working_day

TZ = ZoneInfo("Asia/Shanghai")
HISTORY = (date(2026, 6, 1), date(2026, 8, 31))
MONTH = (date(2026, 9, 1), date(2026, 9, 30))
_seq = itertools.count(1)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TZ)


def working_days(start: date, end: date) -> list[date]:
    days, day = [], start
    while day <= end:
        if is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def phone(n: int) -> str:
    return f"139{n:08d}"


@dataclass
class Hall:
    world: Any
    units: list[Unit]
    windows: dict[int, Window]  # unit id → its window
    records: list[ServiceRecord] = field(default_factory=list)
    ratings: list[Rating] = field(default_factory=list)

    # ------------------------------------------------------------------------------------------------- building
    def record(
        self,
        unit: Unit,
        when: datetime,
        *,
        window: Window | None = None,
        tel: str = "",
        entered: datetime | None = None,
    ) -> ServiceRecord:
        n = next(_seq)
        rec = ServiceRecord(
            district=unit.district, unit=unit, window=window or self.windows[unit.pk], record_no=f"T{n:07d}",
            received_at=when, finished_at=when + timedelta(minutes=10), source=ServiceRecord.Source.UPLOAD,
        )  # fmt: skip
        if tel:
            rec.set_phone(tel)
        rec._entered = entered or when  # type: ignore[attr-defined]
        self.records.append(rec)
        return rec

    def rating(
        self, unit: Unit, when: datetime, *, channel: str = "qr", level5: int = 5, record: ServiceRecord | None = None,
        window: Window | None = None, tel: str = "", device_fp: str = "", flags: list[str] | None = None,
        default: bool = False,
    ) -> Rating:  # fmt: skip
        rating = Rating(
            district=unit.district, unit=unit, window=window or (self.windows[unit.pk] if channel != "hotline" else None),
            record=record, channel=channel, scale="five", level=level5, level5=level5, negative=level5 <= 2,
            is_default=default, device_fp=device_fp, flags=flags or [], rated_at=when, received_at=when,
            stage="finished" if record is not None else "",
        )  # fmt: skip
        if tel:
            rating.set_phone(tel)
        self.ratings.append(rating)
        return rating

    def ordinary_day(
        self, unit: Unit, day: date, *, records: int = 4, scans: int = 2, linked: int = 1,
        levels: tuple[int, ...] = (5, 5, 4, 5, 3),
    ) -> None:  # fmt: skip
        """A normal day: records at the window, QR scans (mostly 非常满意), one record-linked pad rating."""
        recs = [
            self.record(unit, at(day, 9 + i % 7, 5 * i % 50), tel=phone(unit.pk * 100000 + next(_seq)))
            for i in range(records)
        ]
        for i in range(scans):
            self.rating(unit, at(day, 10 + i % 6, 7), level5=levels[(day.day + i) % 5])
        for rec in recs[:linked]:
            self.rating(unit, rec.received_at + timedelta(minutes=5), channel="pad", record=rec,
                        level5=levels[(day.day + 1) % 5])  # fmt: skip

    def ordinary(self, unit: Unit, start: date, end: date, **kwargs: Any) -> None:
        for day in working_days(start, end):
            self.ordinary_day(unit, day, **kwargs)

    def save(self) -> None:
        ServiceRecord.objects.bulk_create(self.records, batch_size=1000)
        # entered_at is stamped at insert; a record is entered when served unless a test says otherwise.
        ServiceRecord.objects.filter(pk__in=[r.pk for r in self.records]).update(entered_at=F("received_at"))
        for rec in self.records:
            if rec._entered != rec.received_at:  # type: ignore[attr-defined]
                ServiceRecord.objects.filter(pk=rec.pk).update(entered_at=rec._entered)  # type: ignore[attr-defined]
        for rating in self.ratings:
            if rating.record is not None:
                rating.record_id = rating.record.pk
        Rating.objects.bulk_create(self.ratings, batch_size=1000)
        self.records, self.ratings = [], []

    def compare(self, start: date = MONTH[0], end: date = MONTH[1]) -> ComparisonRun:
        return comparison_run_period(
            actor=self.world.users["inspector"], district=self.world.district, start=start, end=end,
            trigger=ComparisonRun.Trigger.COMMAND,
        )  # fmt: skip


def clean_hall(world: Any, *, months: tuple[date, date] = (HISTORY[0], MONTH[1])) -> Hall:
    """unit_a, unit_b and three more units of the main hall, each with one window open 8:30–12:00, 14:00–17:30."""
    extra = [
        Unit.objects.create(
            district=world.district,
            hall=world.hall,
            code=f"U1{n}",
            name=f"测试单位{n}",
            credit_code=_credit(10 + n),
        )
        for n in range(3)
    ]
    units = [world.unit_a, world.unit_b, *extra]
    windows = {world.unit_a.pk: world.window_a, world.unit_b.pk: world.window_b}
    for unit in extra:
        windows[unit.pk] = new_window(world, unit, f"9{unit.code}")
    hall = Hall(world, units, windows)
    for unit in units:
        hall.ordinary(unit, *months)
    hall.save()
    return hall


def new_window(world: Any, unit: Unit, code: str) -> Window:
    window = Window.objects.create(hall=world.hall, unit=unit, code=code, name=f"{unit.name}{code}号窗口")
    for weekday in range(5):
        WindowHours.objects.create(window=window, weekday=weekday, opens=time(8, 30), closes=time(12, 0))
        WindowHours.objects.create(window=window, weekday=weekday, opens=time(14, 0), closes=time(17, 30))
    return window


def _credit(n: int) -> str:
    from tests.conftest import credit

    return credit(n)


def blind(tel: str) -> str:
    return crypto.blind_index(crypto.normalize_phone(tel))
