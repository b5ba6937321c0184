"""The two insert-only raw tables whose new rows are changes by themselves: ratings and service records.

Their writers (the rating intake's stores, the ledger's upload, import and manual entry) are hot paths that stay
untouched (decisions 0009, 0014, 0015, 0018): instead of each insert saying so, a reader's cursor holds an id
position in each table, and every row with a larger id is a change of its (district, local day). Ids, not stamps:
an import of history keeps its stamps, an id cannot be old. Rows edited or removed are not seen here: their
writer calls ``feed.days_changed``.
"""

# ruff: noqa: S608  (table and column names come from this module; values are parameters)
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import connection

from pingyi.derived.choices import Source
from pingyi.lib import sqlbits as q


@dataclass(frozen=True)
class Tail:
    source: Source
    table: str
    day: str  # the stamp whose local day the row counts on
    position: str  # the cursor's field holding the id position


RATINGS = Tail(Source.RATINGS, "ratings_rating", "rated_at", "rating_id")
RECORDS = Tail(Source.LEDGER, "ledger_servicerecord", "received_at", "record_id")
TAILS = (RATINGS, RECORDS)


def max_ids() -> dict[str, int]:
    """The largest id of every tailed table (0 when empty), by the cursor's position field."""
    sql = "SELECT " + ", ".join(f"(SELECT COALESCE(MAX(id), 0) FROM {t.table})" for t in TAILS)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return {t.position: int(v) for t, v in zip(TAILS, row or (0,) * len(TAILS), strict=True)}


def days_after(tail: Tail, position: int, district_id: int | None) -> set[tuple[int, date]]:
    """(district, local day) of every row with an id above ``position`` (of one district, or of all)."""
    sql = f"SELECT DISTINCT district_id, {q.local_day(tail.day)} FROM {tail.table} WHERE id > %s"
    params: list[int] = [position]
    if district_id is not None:
        sql += " AND district_id = %s"
        params.append(district_id)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {(int(d), q.as_date(day)) for d, day in cursor.fetchall()}


def window_days(window_id: int) -> dict[int, set[date]]:
    """Per district: every local day on which the window has ratings or records."""
    parts = [
        f"SELECT DISTINCT district_id, {q.local_day(t.day)} FROM {t.table} WHERE window_id = %s"
        for t in TAILS
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ".join(parts), [window_id] * len(TAILS))
        out: dict[int, set[date]] = {}
        for district_id, day in cursor.fetchall():
            out.setdefault(int(district_id), set()).add(q.as_date(day))
    return out
