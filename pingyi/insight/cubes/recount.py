"""The recount of one district's days into the cubes, from the raw rows (always a recount, never a delta).

A recount of days ``first..last`` (``fill_days``) reads the raw rows once into a few narrow temporary tables —
ratings per (day, place, channel, level, default, 差评), records per (day, place), active ratings per (day, unit,
hour) — and pivots each into its wide cubes (``columns``): one row per place and day. Month cubes are sums of their
day cube (``fill_months``).
"""

# ruff: noqa: S608  (the interpolated parts are table and column names from this module; values are parameters)
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import connection

from pingyi.insight.cubes import columns
from pingyi.insight.cubes.grains import DAY_CUBES, Cube, bounds, month_end, month_start
from pingyi.lib import sqlbits as q

_NARROW = {  # the narrow ratings tables: their place dimensions
    "rat_staff": ("hall", "unit", "window", "staff"),
    "rat_item": ("hall", "unit", "item"),
}
_TEMP = ("insight_tmp_rat_staff", "insight_tmp_rat_item", "insight_tmp_rec", "insight_tmp_hours")
_SOURCE = {"hall": "w.hall_id", "unit": "r.unit_id", "window": "r.window_id", "staff": "r.staff_id", "item": "r.item_id"}  # fmt: skip


def _execute(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _narrow(district_id: int, first: date, last: date) -> None:
    """The raw rows of the range read once into the narrow temporary tables the pivots read."""
    lo, hi = bounds(first, last)
    for table in _TEMP:
        _execute(f"DROP TABLE IF EXISTS {table}", [])
    if q.is_postgres():  # hash aggregates in memory; no JIT compilation of the wide pivots (seconds each)
        _execute("SET LOCAL work_mem = '256MB'", [])
        _execute("SET LOCAL jit = off", [])
    rday = q.local_day("r.rated_at")
    window = "LEFT JOIN catalog_window w ON w.id = r.window_id"
    where = "WHERE r.district_id = %s AND r.rated_at >= %s AND r.rated_at < %s"
    for name, dims in _NARROW.items():
        cols = ", ".join(f"{_SOURCE[d]} AS {d}_id" for d in dims)
        keys = ", ".join(_SOURCE[d] for d in dims)
        _execute(
            f"CREATE TEMP TABLE insight_tmp_{name} AS "
            f"SELECT {rday} AS day, {cols}, r.channel, r.level5, r.is_default, r.negative, COUNT(*) AS n, "
            "SUM(CASE WHEN t.id IS NULL THEN 0 ELSE 1 END) AS rev "
            f"FROM ratings_rating r {window} "
            "LEFT JOIN tickets_ticket t ON t.rating_id = r.id AND t.revoked = %s "
            f"{where} GROUP BY {rday}, {keys}, r.channel, r.level5, r.is_default, r.negative",
            [True, district_id, lo, hi],
        )
    cday = q.local_day("r.received_at")
    rec_dims = ("hall", "unit", "window", "staff", "item")
    _execute(
        "CREATE TEMP TABLE insight_tmp_rec AS "
        f"SELECT {cday} AS day, {', '.join(f'{_SOURCE[d]} AS {d}_id' for d in rec_dims)}, COUNT(*) AS rec "
        f"FROM ledger_servicerecord r {window} "
        "WHERE r.district_id = %s AND r.received_at >= %s AND r.received_at < %s "
        f"GROUP BY {cday}, {', '.join(_SOURCE[d] for d in rec_dims)}",
        [district_id, lo, hi],
    )
    hour = q.local_hour("r.rated_at")
    staff_dims = _NARROW["rat_staff"]
    _execute(
        "CREATE TEMP TABLE insight_tmp_hours AS "
        f"SELECT {rday} AS day, {', '.join(f'{_SOURCE[d]} AS {d}_id' for d in staff_dims)}, {hour} AS hour, "
        f"COUNT(*) AS hn FROM ratings_rating r {window} {where} AND r.is_default = %s "
        f"GROUP BY {rday}, {', '.join(_SOURCE[d] for d in staff_dims)}, {hour}",
        [district_id, lo, hi, False],
    )


def _pivot_sql(cube: Cube) -> str:
    """INSERT … SELECT of the cube's wide rows from the narrow tables (kind 1 ratings, 2 records, 3 hours)."""
    dims = [f"{d}_id" for d in cube.dims]
    keys = ", ".join(["day", *dims])
    rating_keys = f"{keys}, channel, level5, is_default, negative"
    none = "CAST(NULL AS integer)"  # typed: PostgreSQL resolves a UNION's untyped NULLs pairwise, as text
    fields = f"CAST(NULL AS text) AS channel, {none} AS level5, CAST(NULL AS boolean) AS is_default, CAST(NULL AS boolean) AS negative"
    parts = [
        f"SELECT {rating_keys}, 1 AS kind, SUM(n) AS n, SUM(rev) AS rev, {none} AS rec, {none} AS hour, "
        f"{none} AS hn FROM insight_tmp_rat_{cube.narrow} GROUP BY {rating_keys}",
        f"SELECT {keys}, {fields}, 2, {none}, {none}, SUM(rec), {none}, {none} FROM insight_tmp_rec GROUP BY {keys}",
    ]
    if cube.hours:
        parts.append(
            f"SELECT {keys}, {fields}, 3, {none}, {none}, {none}, hour, SUM(hn) "
            f"FROM insight_tmp_hours GROUP BY {keys}, hour"
        )
    exprs = columns.pivot_exprs(cube.hours)
    target = ", ".join(["district_id", "day", *dims, *(c for c, _ in exprs)])
    return (
        f"INSERT INTO {cube.table} ({target}) "
        f"SELECT %s, {keys}, {', '.join(e for _, e in exprs)} "
        f"FROM ({' UNION ALL '.join(parts)}) u GROUP BY {keys}"
    )


def fill_days(district_id: int, first: date, last: date) -> None:
    """Replace every day cube's rows of a district for local days first..last by a recount from the raw rows."""
    _narrow(district_id, first, last)
    for cube in DAY_CUBES:
        _execute(
            f"DELETE FROM {cube.table} WHERE district_id = %s AND day >= %s AND day <= %s",
            [district_id, first, last],
        )
        _execute(_pivot_sql(cube), [district_id])
    for table in _TEMP:
        _execute(f"DROP TABLE IF EXISTS {table}", [])


def _month_sql(cube: Cube) -> str:
    assert cube.monthly_from is not None
    dims = ", ".join(f"{d}_id" for d in cube.dims)
    counts = ["records", *columns.rating_columns()]
    return (
        f"INSERT INTO {cube.table} (district_id, day, {dims}, {', '.join(counts)}) "
        f"SELECT district_id, %s, {dims}, {columns.sums(counts)} FROM {cube.monthly_from.table} "
        f"WHERE district_id = %s AND day >= %s AND day <= %s GROUP BY district_id, {dims}"
    )


def fill_months(cube: Cube, district_id: int, first: date, last: date) -> None:
    """Replace the month cube's rows of the months touching first..last by sums of its day cube."""
    month = month_start(first)
    while month <= last:
        _execute(f"DELETE FROM {cube.table} WHERE district_id = %s AND day = %s", [district_id, month])
        _execute(_month_sql(cube), [month, district_id, month, month_end(month)])
        month = month_end(month) + timedelta(days=1)
