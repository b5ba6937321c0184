"""Month-to-date sums per unit: any span of days inside a month costs two rows per unit, however long it is.

``insight_cumunit`` holds, for each unit and each day of a month up to the last day the district has data, the unit's
counts from the first of the month through that day (every column of ``columns``, NULL for zero). The counts of days
``a..b`` of one month are then the row of ``b`` minus the row of ``a - 1`` (none when ``a`` is the first): a
province's week grouped by unit reads 20,000 rows instead of 50,000, a fortnight still 20,000.

A row exists for every unit that had data in the month up to its day, on every such day, so a lookup is by exact day;
days after the last filled one have no rows yet, and a question about them reads the last filled day (nothing
happened since). ``fill`` recounts from a day to the month's last filled day from the unit day cube, so a tick that
recounted today rewrites one row per unit.
"""

# ruff: noqa: S608  (table and column names from this package; values are parameters)
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import connection

from pingyi.insight.cubes import columns
from pingyi.lib import sqlbits as q

TABLE = "insight_cumunit"
DAYS = "insight_dayunit"
COUNTS = ["records", *columns.rating_columns()]


def _month_end(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _param(day: date) -> Any:
    return day if q.is_postgres() else day.isoformat()


def _one(sql: str, params: list[Any]) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


def _execute(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def fill(district_id: int, first: date, last: date) -> None:
    """Recount the month-to-date rows of every month touching first..last, from ``first`` (or the month's first day)
    to the month's last day with data."""
    month = first.replace(day=1)
    while month <= last:
        _fill_month(district_id, month, max(first, month))
        month = _month_end(month) + timedelta(days=1)


def _fill_month(district_id: int, month: date, start: date) -> None:
    end = _month_end(month)
    _execute(
        f"DELETE FROM {TABLE} WHERE district_id = %s AND day >= %s AND day <= %s",
        [district_id, _param(start), _param(end)],
    )
    filled = _one(
        f"SELECT MAX(day) FROM {DAYS} WHERE district_id = %s AND day >= %s AND day <= %s",
        [district_id, _param(month), _param(end)],
    )
    if filled is None or q.as_date(filled) < start:
        return
    days = [start + timedelta(days=k) for k in range((q.as_date(filled) - start).days + 1)]
    base = start - timedelta(days=1) if start > month else None
    running = ", ".join(
        f"COALESCE(b.{c}, 0) + COALESCE(SUM(du.{c}) OVER w, 0) AS {c}" for c in COUNTS
    )  # the base row (the day before ``start``) plus the running sum of the days since
    kept = ", ".join(f"NULLIF({c}, 0)" for c in COUNTS)
    base_units = f"UNION SELECT unit_id FROM {TABLE} WHERE district_id = %s AND day = %s" if base else ""
    sql = (
        f"WITH days(day) AS (VALUES {', '.join(['(%s)'] * len(days))}), "
        f"units(unit_id) AS (SELECT DISTINCT unit_id FROM {DAYS} WHERE district_id = %s AND day >= %s AND day <= %s "
        f"{base_units}) "
        f"INSERT INTO {TABLE} (district_id, day, unit_id, {', '.join(COUNTS)}) "
        f"SELECT %s, day, unit_id, {kept} FROM ("
        f"SELECT g.day, u.unit_id, {running} FROM days g CROSS JOIN units u "
        f"LEFT JOIN {DAYS} du ON du.district_id = %s AND du.unit_id = u.unit_id AND du.day = g.day "
        f"LEFT JOIN {TABLE} b ON b.district_id = %s AND b.unit_id = u.unit_id AND b.day = %s "
        "WINDOW w AS (PARTITION BY u.unit_id ORDER BY g.day)"
        ") x WHERE x.n <> 0 OR x.records <> 0"
    )
    params: list[Any] = [*(_param(d) for d in days), district_id, _param(start), _param(days[-1])]
    if base:
        params += [district_id, _param(base)]
    params += [district_id, district_id, district_id, _param(base) if base else None]
    if q.is_postgres():  # the VALUES list's type: the parameters are dates
        sql = sql.replace("VALUES (%s)", "VALUES (%s::date)", 1)
    _execute(sql, params)


def reads(district_id: int, first: date, last: date) -> list[tuple[date, int]]:
    """(day, sign) of the month-to-date rows whose signed sum is days first..last of one month: the last filled day
    up to ``last``, minus the last filled day before ``first`` (none when ``first`` is the month's first day)."""
    month = first.replace(day=1)
    assert last <= _month_end(month), "one month at a time"

    def filled_until(day: date) -> date | None:
        found = _one(
            f"SELECT MAX(day) FROM {TABLE} WHERE district_id = %s AND day >= %s AND day <= %s",
            [district_id, _param(month), _param(day)],
        )
        return q.as_date(found) if found is not None else None

    top = filled_until(last)
    if top is None:
        return []
    out = [(top, 1)]
    if first > month:
        below = filled_until(first - timedelta(days=1))
        if below is not None:
            out.append((below, -1))
    return out
