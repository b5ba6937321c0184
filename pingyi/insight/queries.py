"""The SQL behind the measures: one statement per question, summing cube rows (or raw rows) grouped by one key.

Every source — a day cube, a month cube, the raw rows — is turned into rows of the same shape, ``(k, n, dflt, neg,
rev, l1 … l5, records)``; their UNION ALL is summed per ``k`` by the database, ordered and cut there when the caller
wants only the biggest groups. So a province's month grouped by unit is one statement returning the rows shown.
"""

# ruff: noqa: S608  (interpolated parts are column and table names from cubes.columns and cubes.grains; values are parameters)
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import connection

from pingyi.insight.cubes import columns, cumulative, grains
from pingyi.lib import sqlbits as q
from pingyi.lib.scales import FIVE_LEVELS

SHAPE = ("n", "dflt", "neg", "rev", "l1", "l2", "l3", "l4", "l5", "records")
NEGATIVE_LEVELS = frozenset(lvl.value for lvl in FIVE_LEVELS if lvl.negative)
PLACE_COLUMNS = {"hall": "hall_id", "unit": "unit_id", "window": "window_id", "staff": "staff_id", "item": "item_id"}  # fmt: skip


@dataclass(frozen=True)
class Ask:
    """What is asked: where (place filters), when, which channels, grouped by what."""

    district_id: int
    places: dict[str, Any]  # dimension -> id, or "hall" -> list of hall ids
    start: date
    end: date
    channels: tuple[str, ...]
    group: str | None  # a place dimension, "channel", "level", "day" or None (one total)


def _day(value: date) -> Any:
    return value if q.is_postgres() else value.isoformat()


def _named(values: list[str]) -> str:
    """The values of one row of ``SHAPE``, named (a UNION takes its column names from its first part)."""
    return ", ".join(f"{v} AS {name}" for v, name in zip(values, SHAPE, strict=True))


def _place_where(ask: Ask, prefix: str, hall: str) -> tuple[list[str], list[Any]]:
    where, params = [], []
    for dim, value in ask.places.items():
        if dim == "hall":
            where.append(f"{hall} IN ({', '.join(['%s'] * len(value))})")
            params.extend(value)
        else:
            where.append(f"{prefix}{PLACE_COLUMNS[dim]} = %s")
            params.append(value)
    return where, params


# ------------------------------------------------------------------------------------------------- cube rows
def _row_expr(measure: str, channels: tuple[str, ...]) -> str:
    if not channels:
        return measure
    known = [c for c in channels if c in columns.CHANNELS]
    return " + ".join(f"COALESCE({columns.column(measure, c)}, 0)" for c in known) if known else "0"


def _signed(expr: str, sign: int) -> str:
    return expr if sign > 0 or expr == "0" else f"-({expr})"


def _cube_rows(ask: Ask, cube: grains.Cube, lo: date, hi: date, sign: int = 1) -> list[tuple[str, list[Any]]]:
    """The cube's rows of days lo..hi in the common shape (``sign`` -1: subtracted, a month-to-date row)."""
    where, params = _place_where(ask, "", "hall_id")
    clause = " AND ".join(["district_id = %s", "day >= %s", "day <= %s", *where])
    base = [ask.district_id, _day(lo), _day(hi), *params]
    if ask.group == "channel":
        out = []
        for c in ask.channels or columns.CHANNELS:
            values = _named([*(_signed(columns.column(m, c), sign) for m in columns.MEASURES), "0"])
            sql = f"SELECT '{c}' AS k, {values} FROM {cube.table} WHERE {clause} AND {c}_n IS NOT NULL"
            out.append((sql, base))
        return out
    if ask.group == "level":
        out = []
        for k in range(1, 6):
            lk = _signed(_row_expr(f"l{k}", ask.channels), sign)
            neg = lk if k in NEGATIVE_LEVELS else "0"
            levels = [lk if j == k else "0" for j in range(1, 6)]
            sql = f"SELECT {k} AS k, {_named([lk, '0', neg, '0', *levels, '0'])} FROM {cube.table} WHERE {clause}"
            out.append((sql, base))
        dflt = _signed(_row_expr("dflt", ask.channels), sign)  # default ratings: level 0, no level chosen
        zeros = ["0"] * 7
        out.append(
            (f"SELECT 0 AS k, {_named([dflt, dflt, *zeros, '0'])} FROM {cube.table} WHERE {clause}", base)
        )
        return out
    key = {None: "0", "day": "day"}.get(ask.group) or PLACE_COLUMNS[str(ask.group)]
    values = _named(
        [*(_signed(_row_expr(m, ask.channels), sign) for m in columns.MEASURES), _signed("records", sign)]
    )
    return [(f"SELECT {key} AS k, {values} FROM {cube.table} WHERE {clause}", base)]


# -------------------------------------------------------------------------------------------------- raw rows
def _raw_key(ask: Ask, time_column: str) -> str:
    if ask.group is None:
        return "0"
    if ask.group == "day":
        return q.local_day(f"r.{time_column}")
    level = "CASE WHEN r.is_default THEN 0 ELSE r.level5 END"  # default ratings: level 0
    return {"hall": "w.hall_id", "channel": "r.channel", "level": level}.get(
        ask.group, f"r.{PLACE_COLUMNS.get(ask.group, '')}"
    )


def _raw_rows(ask: Ask) -> list[tuple[str, list[Any]]]:
    """Ratings and records straight from their tables (a small scope: one window or staff member)."""
    lo, hi = grains.bounds(ask.start, ask.end)
    where, params = _place_where(ask, "r.", "w.hall_id")
    join = "LEFT JOIN catalog_window w ON w.id = r.window_id"
    active = "NOT r.is_default"
    level = ask.group == "level"

    def flag(condition: str) -> str:
        return f"CASE WHEN {condition} THEN 1 ELSE 0 END"

    values = [
        "1",
        flag("r.is_default"),
        flag(f"{active} AND r.negative"),
        "0" if level else flag(f"{active} AND r.negative AND t.id IS NOT NULL"),
        *(flag(f"{active} AND r.level5 = {k}") for k in range(1, 6)),
        "0",
    ]
    rating_where = ["r.district_id = %s", "r.rated_at >= %s", "r.rated_at < %s", *where]
    if ask.channels:
        rating_where.append(f"r.channel IN ({', '.join(['%s'] * len(ask.channels))})")
    out = [
        (
            f"SELECT {_raw_key(ask, 'rated_at')} AS k, {_named(values)} FROM ratings_rating r {join} "
            "LEFT JOIN tickets_ticket t ON t.rating_id = r.id AND t.revoked = %s "
            f"WHERE {' AND '.join(rating_where)}",
            [True, ask.district_id, lo, hi, *params, *ask.channels],
        )
    ]
    if ask.group not in ("channel", "level"):
        record_where = ["r.district_id = %s", "r.received_at >= %s", "r.received_at < %s", *where]
        zeros = _named(["0"] * (len(SHAPE) - 1) + ["1"])
        out.append(
            (
                f"SELECT {_raw_key(ask, 'received_at')} AS k, {zeros} FROM ledger_servicerecord r {join} "
                f"WHERE {' AND '.join(record_where)}",
                [ask.district_id, lo, hi, *params],
            )
        )
    return out


# ------------------------------------------------------------------------------------------------- the query
Part = tuple[grains.Cube | None, date, date, int]  # (cube or RAW, first day, last day, sign)


def sources(ask: Ask, needed: set[str], *, by_day: bool) -> list[Part]:
    """The signed parts whose rows add up to the answer: whole months from a month cube when one holds the question;
    inside a month, a unit's days as the difference of two month-to-date rows (``cumulative``); days for the rest."""
    day_cube = grains.pick(needed)
    if day_cube is grains.RAW:
        return [(grains.RAW, ask.start, ask.end, 1)]
    month_cube = None if by_day else grains.pick_month(day_cube, needed)
    if month_cube is None:
        ranges, whole = [(ask.start, ask.end)], None
    else:
        ranges, whole = grains.split(ask.start, ask.end)
    parts: list[Part] = []
    for lo, hi in ranges:
        if by_day or day_cube is not grains.UNIT:
            parts.append((day_cube, lo, hi, 1))
            continue
        for first, last in _months(lo, hi):
            if first == last:  # one day: its own row
                parts.append((day_cube, first, last, 1))
            else:
                reads = cumulative.reads(ask.district_id, first, last)
                parts += [(grains.UNIT_TO_DATE, day, day, sign) for day, sign in reads]
    if month_cube is not None and whole is not None:
        parts.append((month_cube, whole[0], whole[1], 1))
    return parts


def _months(first: date, last: date) -> list[tuple[date, date]]:
    """first..last cut at month ends."""
    out = []
    while first <= last:
        end = min(last, grains.month_end(first))
        out.append((first, end))
        first = end + timedelta(days=1)
    return out


def counts(
    ask: Ask, needed: set[str], *, by_day: bool = False, limit: int | None = None
) -> list[tuple[Any, ...]]:
    """Rows ``(k, n, dflt, neg, rev, l1 … l5, records)``, one per group with ratings or records; the biggest first
    (most ratings, then most records) and only ``limit`` of them when given."""
    parts: list[tuple[str, list[Any]]] = []
    for source, lo, hi, sign in sources(ask, needed, by_day=by_day):
        if source is grains.RAW:
            parts += _raw_rows(ask)
        else:
            parts += _cube_rows(ask, source, lo, hi, sign)
    if not parts:  # nothing filled for the period yet
        return []
    sums = ", ".join(f"COALESCE(SUM({c}), 0)" for c in SHAPE)
    sql = (
        f"SELECT k, {sums} FROM ({' UNION ALL '.join(p for p, _ in parts)}) x GROUP BY k "
        "HAVING COALESCE(SUM(n), 0) > 0 OR COALESCE(SUM(records), 0) > 0"
    )
    params = [value for _, part in parts for value in part]
    if limit is not None:
        sql += f" ORDER BY 2 DESC, {len(SHAPE) + 1} DESC, 1 LIMIT %s"
        params.append(limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def hours(ask: Ask, cube: grains.Cube | None) -> list[tuple[Any, ...]]:
    """Active ratings per (day, hour) of the period, from an hour cube or from the raw rows."""
    if cube is grains.RAW:
        lo, hi = grains.bounds(ask.start, ask.end)
        where, params = _place_where(ask, "r.", "w.hall_id")
        day, hour = q.local_day("r.rated_at"), q.local_hour("r.rated_at")
        clause = " AND ".join(
            ["r.district_id = %s", "r.rated_at >= %s", "r.rated_at < %s", "r.is_default = %s", *where]
        )
        sql = (
            f"SELECT {day}, {hour}, COUNT(*) FROM ratings_rating r LEFT JOIN catalog_window w ON w.id = r.window_id "
            f"WHERE {clause} GROUP BY {day}, {hour}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [ask.district_id, lo, hi, False, *params])
            return list(cursor.fetchall())
    where, params = _place_where(ask, "", "hall_id")
    clause = " AND ".join(["district_id = %s", "day >= %s", "day <= %s", *where])
    sql = f"SELECT day, {columns.sums(columns.HOURS)} FROM {cube.table} WHERE {clause} GROUP BY day"
    out = []
    with connection.cursor() as cursor:
        cursor.execute(sql, [ask.district_id, _day(ask.start), _day(ask.end), *params])
        for day, *per_hour in cursor.fetchall():
            out += [(day, h, n) for h, n in enumerate(per_hour) if n]
    return out
