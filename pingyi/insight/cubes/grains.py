"""The cubes as data: which table, which place dimensions, and which cube answers a question.

``pick`` chooses the smallest cube holding every dimension a query needs; a question a cube cannot answer cheaply
(a service item at one window or staff member) is read from the raw rows (``RAW``, see ``metrics``). ``split``
cuts a period into whole months (read from the month cubes) and edge days. ``recount`` fills them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models

from pingyi.insight import models as m
from pingyi.lib import sqlbits as q

PLACES = ("hall", "unit", "window", "staff", "item")


@dataclass(frozen=True)
class Cube:
    model: type[models.Model]
    dims: tuple[str, ...]
    narrow: str  # the narrow grain it is pivoted from: "staff" or "item"
    hours: bool = False
    monthly_from: Cube | None = None  # a month cube (``day`` = first of month) summed from this day cube

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    def has(self, needed: set[str]) -> bool:
        return needed <= set(self.dims)


DISTRICT = Cube(m.DayDistrict, (), "staff", hours=True)
UNIT = Cube(m.DayUnit, ("unit",), "staff", hours=True)
STAFF = Cube(m.DayStaff, ("hall", "unit", "window", "staff"), "staff", hours=True)
ITEM = Cube(m.DayItem, ("hall", "unit", "item"), "item")
UNIT_MONTHS = Cube(m.MonthUnit, ("unit",), "staff", monthly_from=UNIT)
WINDOW_MONTHS = Cube(m.MonthWindow, ("hall", "unit", "window"), "staff", monthly_from=STAFF)
ITEM_MONTHS = Cube(m.MonthItem, ("hall", "unit", "item"), "item", monthly_from=ITEM)
UNIT_TO_DATE = Cube(m.CumUnit, ("unit",), "staff")  # month-to-date sums of UNIT (cumulative)
DAY_CUBES = (DISTRICT, UNIT, STAFF, ITEM)
MONTH_CUBES = (UNIT_MONTHS, WINDOW_MONTHS, ITEM_MONTHS)
ALL_CUBES = (*DAY_CUBES, *MONTH_CUBES, UNIT_TO_DATE)
RAW = None  # ``pick``'s answer when the raw rows are the cheaper source


def pick(needed: set[str]) -> Cube | None:
    """The smallest day cube holding ``needed`` (place dimensions), or RAW for an item at a window or staff member."""
    if "item" in needed:
        return ITEM if ITEM.has(needed) else RAW
    for cube in (DISTRICT, UNIT, STAFF):
        if cube.has(needed):
            return cube
    raise ValueError(f"no cube holds {sorted(needed)}")


def pick_month(day_cube: Cube | None, needed: set[str]) -> Cube | None:
    """The month cube summing ``day_cube`` that holds ``needed``, if any (the district cube needs none: 31 rows)."""
    return next((c for c in MONTH_CUBES if c.monthly_from == day_cube and c.has(needed)), None)


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def split(first: date, last: date) -> tuple[list[tuple[date, date]], tuple[date, date] | None]:
    """Local days first..last as (ranges of days outside whole months, (first month, last month) or None)."""
    head = first if first.day == 1 else month_end(first) + timedelta(days=1)
    tail = last if last == month_end(last) else month_start(last) - timedelta(days=1)
    if head > tail:  # no whole month inside
        return [(first, last)], None
    days = [r for r in ((first, head - timedelta(days=1)), (tail + timedelta(days=1), last)) if r[0] <= r[1]]
    return days, (head, month_start(tail))


def local_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """Aware datetimes from local midnight of ``first`` to local midnight after ``last`` (half-open)."""
    tz = ZoneInfo(settings.TIME_ZONE)
    return (
        datetime.combine(first, time.min, tzinfo=tz),
        datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz),
    )


def bounds(first: date, last: date) -> tuple[Any, Any]:
    """The same bounds as raw SQL parameters."""
    lo, hi = local_bounds(first, last)
    return q.ts(lo), q.ts(hi)
