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

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    def has(self, needed: set[str]) -> bool:
        return needed <= set(self.dims)


RATING_CUBES = (
    Cube(m.RatingDayDistrict, (), "ratings"),
    Cube(m.RatingDayUnit, ("unit",), "ratings"),
    Cube(m.RatingDayWindow, ("hall", "unit", "window", "staff"), "ratings"),
    Cube(m.RatingDayItem, ("hall", "unit", "window", "staff", "item"), "ratings"),
)
RECORD_CUBES = (
    Cube(m.RecordDayUnit, ("unit",), "records"),
    Cube(m.RecordDayItem, ("hall", "unit", "window", "staff", "item"), "records"),
)
HOUR_CUBE = Cube(m.RatingHour, ("hall", "unit", "window", "staff"), "hours")
ALL_CUBES = (*RATING_CUBES, *RECORD_CUBES, HOUR_CUBE)


def pick(cubes: tuple[Cube, ...], needed: set[str]) -> Cube:
    for cube in cubes:
        if cube.has(needed):
            return cube
    raise ValueError(f"no cube holds {sorted(needed)}")


def bounds(first: date, last: date) -> tuple[Any, Any]:
    """The UTC bounds of local days first..last as query parameters."""
    tz = ZoneInfo(settings.TIME_ZONE)
    lo = datetime.combine(first, time.min, tzinfo=tz)
    hi = datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz)
    return q.ts(lo), q.ts(hi)


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
        return (
            f"INSERT INTO {cube.table} (district_id, day, hour, {', '.join(dim_cols)}, n) "
            f"SELECT r.district_id, {day}, {hour}, {', '.join(dim_exprs)}, COUNT(*) "
            "FROM ratings_rating r LEFT JOIN catalog_window w ON w.id = r.window_id "
            "WHERE r.district_id = %s AND r.rated_at >= %s AND r.rated_at < %s AND r.is_default = %s "
            f"GROUP BY r.district_id, {day}, {hour}, {', '.join(dim_exprs)}"
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
