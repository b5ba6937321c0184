"""The cubes as data: which table, which dimensions, and the one INSERT … SELECT that fills a range of days.

A rating cube row counts ratings of one (district, day, place dimensions…, channel, level5, is_default, negative);
a record cube row counts service records of one (district, day, place dimensions…). ``pick`` chooses the smallest
cube holding every dimension a query needs.
"""

# ruff: noqa: S608  (the interpolated parts are table and column names from this module; values are parameters)
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, models

from pingyi.insight import models as m
from pingyi.lib import sqlbits as q

# Where each place dimension comes from in the raw rows (alias r = the rating or record, w = its window).
DIM_SOURCE = {
    "hall": "w.hall_id",
    "unit": "r.unit_id",
    "window": "r.window_id",
    "staff": "r.staff_id",
    "item": "r.item_id",
}


@dataclass(frozen=True)
class Cube:
    model: type[models.Model]
    dims: tuple[str, ...]
    source: str  # "ratings", "records" or "hours"
    monthly_from: Cube | None = None  # a month cube (``day`` = first of month) summed from this day cube

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    def has(self, needed: set[str]) -> bool:
        return needed <= set(self.dims)


_RATING_UNIT = Cube(m.RatingDayUnit, ("hall", "unit"), "ratings")
_RECORD_UNIT = Cube(m.RecordDayUnit, ("hall", "unit"), "records")
RATING_CUBES = (
    Cube(m.RatingDayDistrict, (), "ratings"),
    _RATING_UNIT,
    Cube(m.RatingDayWindow, ("hall", "unit", "window", "staff"), "ratings"),
    Cube(m.RatingDayItem, ("hall", "unit", "window", "staff", "item"), "ratings"),
)
RECORD_CUBES = (_RECORD_UNIT, Cube(m.RecordDayItem, ("hall", "unit", "window", "staff", "item"), "records"))
HOUR_CUBES = (
    Cube(m.HourDistrict, (), "hours"),
    Cube(m.HourUnit, ("hall", "unit"), "hours"),
    Cube(m.HourWindow, ("hall", "unit", "window", "staff"), "hours"),
)
RATING_MONTHS = (Cube(m.RatingMonthUnit, ("hall", "unit"), "ratings", monthly_from=_RATING_UNIT),)
RECORD_MONTHS = (Cube(m.RecordMonthUnit, ("hall", "unit"), "records", monthly_from=_RECORD_UNIT),)
DAY_CUBES = (*RATING_CUBES, *RECORD_CUBES, *HOUR_CUBES)
MONTH_CUBES = (*RATING_MONTHS, *RECORD_MONTHS)
ALL_CUBES = (*DAY_CUBES, *MONTH_CUBES)


def pick(cubes: tuple[Cube, ...], needed: set[str]) -> Cube:
    for cube in cubes:
        if cube.has(needed):
            return cube
    raise ValueError(f"no cube holds {sorted(needed)}")


def pick_month(cubes: tuple[Cube, ...], needed: set[str]) -> Cube | None:
    return next((cube for cube in cubes if cube.has(needed)), None)


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


def _month_sql(cube: Cube) -> str:
    assert cube.monthly_from is not None
    dims = ", ".join(f"{d}_id" for d in cube.dims)
    keys = "" if cube.source == "records" else "channel, level5, is_default, negative"
    sums = "SUM(n)" if cube.source == "records" else "SUM(n), SUM(revoked)"
    cols = "n" if cube.source == "records" else f"{keys}, n, revoked"
    group = f"{dims}, {keys}" if keys else dims
    select_keys = f"{keys}, " if keys else ""
    return (
        f"INSERT INTO {cube.table} (district_id, day, {dims}, {cols}) "
        f"SELECT district_id, %s, {dims}, {select_keys}{sums} FROM {cube.monthly_from.table} "
        f"WHERE district_id = %s AND day >= %s AND day <= %s GROUP BY district_id, {group}"
    )


def fill_months(cube: Cube, district_id: int, first: date, last: date) -> None:
    """Replace the month cube's rows of the months touching first..last by sums of its day cube."""
    month = month_start(first)
    with connection.cursor() as cursor:
        while month <= last:
            cursor.execute(
                f"DELETE FROM {cube.table} WHERE district_id = %s AND day = %s", [district_id, month]
            )
            cursor.execute(_month_sql(cube), [month, district_id, month, month_end(month)])
            month = month_end(month) + timedelta(days=1)


def _fill_sql(cube: Cube) -> str:
    dim_cols = [f"{d}_id" for d in cube.dims]
    dim_exprs = [DIM_SOURCE[d] for d in cube.dims]
    if cube.source == "records":
        day = q.local_day("r.received_at")
        return (
            f"INSERT INTO {cube.table} (district_id, day, {', '.join(dim_cols)}, n) "
            f"SELECT r.district_id, {day}, {', '.join(dim_exprs)}, COUNT(*) "
            "FROM ledger_servicerecord r LEFT JOIN catalog_window w ON w.id = r.window_id "
            "WHERE r.district_id = %s AND r.received_at >= %s AND r.received_at < %s "
            f"GROUP BY r.district_id, {day}, {', '.join(dim_exprs)}"
        )
    day = q.local_day("r.rated_at")
    if cube.source == "hours":
        hour = q.local_hour("r.rated_at")
        cols = "".join(f", {c}" for c in dim_cols)
        exprs = "".join(f", {e}" for e in dim_exprs)
        return (
            f"INSERT INTO {cube.table} (district_id, day, hour{cols}, n) "
            f"SELECT r.district_id, {day}, {hour}{exprs}, COUNT(*) "
            "FROM ratings_rating r LEFT JOIN catalog_window w ON w.id = r.window_id "
            "WHERE r.district_id = %s AND r.rated_at >= %s AND r.rated_at < %s AND r.is_default = %s "
            f"GROUP BY r.district_id, {day}, {hour}{exprs}"
        )
    cols = ", ".join([*dim_cols, ""]) if dim_cols else ""
    exprs = ", ".join([*dim_exprs, ""]) if dim_exprs else ""
    keys = ", ".join(
        ["r.district_id", day, *dim_exprs, "r.channel", "r.level5", "r.is_default", "r.negative"]
    )
    return (
        f"INSERT INTO {cube.table} (district_id, day, {cols}channel, level5, is_default, negative, n, revoked) "
        f"SELECT r.district_id, {day}, {exprs}r.channel, r.level5, r.is_default, r.negative, COUNT(*), "
        "SUM(CASE WHEN t.id IS NULL THEN 0 ELSE 1 END) "
        "FROM ratings_rating r LEFT JOIN catalog_window w ON w.id = r.window_id "
        "LEFT JOIN tickets_ticket t ON t.rating_id = r.id AND t.revoked = %s "
        "WHERE r.district_id = %s AND r.rated_at >= %s AND r.rated_at < %s "
        f"GROUP BY {keys}"
    )


def fill(cube: Cube, district_id: int, first: date, last: date) -> None:
    """Replace the cube's rows of one district for local days first..last by a recount from the raw rows."""
    lo, hi = bounds(first, last)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {cube.table} WHERE district_id = %s AND day >= %s AND day <= %s",
            [district_id, first, last],
        )
        if cube.source == "ratings":
            params: list[Any] = [True, district_id, lo, hi]
        elif cube.source == "hours":
            params = [district_id, lo, hi, False]
        else:
            params = [district_id, lo, hi]
        cursor.execute(_fill_sql(cube), params)
