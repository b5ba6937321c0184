"""The recount of one district's per-day facts over a span of local days (always a recount, never a delta).

``recount_days`` deletes the per-day rows of the span and refills them with one ``INSERT … SELECT … GROUP BY`` per
table from the raw rows (``facts_months`` does the month tables). The SQL is
one text for SQLite and PostgreSQL except the dialect fragments of ``pingyi.lib.sqlbits``.
"""

# ruff: noqa: S608  (the interpolated parts are column names, dialect fragments and integer settings; values are parameters)
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection

from pingyi.lib import sqlbits as q
from pingyi.lib.scales import Channel

HOTLINE = (Channel.HOTLINE.value, Channel.MESSAGE_BOARD.value, Channel.MAYOR_LINE.value)
CITIZEN_DEVICE_CHANNELS = (Channel.QR.value, Channel.MOBILE.value, Channel.PC.value)
DAY_TABLES = (
    "oversight_recday", "oversight_ratday", "oversight_burstday", "oversight_silentday",
)  # fmt: skip


def in_list(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def execute(sql: str, params: list[Any]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount or 0)


def rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def tune_transaction() -> None:
    """PostgreSQL, for the rest of the transaction: hash aggregates in memory and no JIT compilation (seconds for
    these expressions). Every recount of facts runs so (the comparison, the check)."""
    if q.is_postgres():
        execute("SET LOCAL work_mem = '256MB'", [])
        execute("SET LOCAL jit = off", [])


def day_param(day: date) -> date | str:
    return day if q.is_postgres() else day.isoformat()


def bounds(first: date, last: date) -> tuple[Any, Any]:
    """The timestamps of local midnight at ``first`` and after ``last``, as query parameters."""
    tz = ZoneInfo(settings.TIME_ZONE)
    lo = datetime.combine(first, time.min, tzinfo=tz)
    hi = datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz)
    return q.ts(lo), q.ts(hi)


def by_key(table: str, key: str, keys: str, columns: str, when: str) -> str:
    """The rows of ``table`` whose ``key`` is one of ``keys`` (a few), through the table's index on it.

    PostgreSQL estimates such a join badly (most rows have an empty phone or device) and would scan the whole
    table: one index lookup per key is forced with a fenced LATERAL subquery. SQLite looks an IN list up by index."""
    if q.is_postgres():
        return (
            f"SELECT {columns} FROM (SELECT DISTINCT k.{key} FROM ({keys}) k) s "
            f"CROSS JOIN LATERAL (SELECT {columns} FROM {table} x WHERE x.{key} = s.{key} AND {when} OFFSET 0) x"
        )
    return f"SELECT {columns} FROM {table} x WHERE x.{key} IN ({keys}) AND {when}"


@dataclass(frozen=True)
class Counting:
    """The settings the facts are counted with (a change of any recounts everything)."""

    grace: int  # outside_hours_grace_minutes
    lag: int  # late_entry_lag_hours
    burst: int  # burst_records

    def as_params(self) -> dict[str, Any]:
        return {"grace": self.grace, "lag": self.lag, "burst": self.burst, "tz": settings.TIME_ZONE, "v": 1}


def _offset() -> str:
    delta = ZoneInfo(settings.TIME_ZONE).utcoffset(datetime(2000, 1, 1))
    minutes = int(delta.total_seconds() // 60) if delta else 0
    return f"{'+' if minutes >= 0 else '-'}{abs(minutes)} minutes"


def _local(col: str) -> tuple[str, str, str, str]:
    """(local timestamp of ``col``, then of the column ``lt`` holding it: its day, minute of the day, weekday 0–6).

    The local timestamp is computed once per row in an inner query (PostgreSQL: double precision ``date_part``
    rather than numeric ``EXTRACT``); SQLite shifts by the zone's fixed offset, as ``sqlbits`` does."""
    if q.is_postgres():
        return (
            f"({col} AT TIME ZONE '{settings.TIME_ZONE}')",
            "CAST(lt AS date)",
            "(date_part('hour', lt) * 60 + date_part('minute', lt))",
            "(CAST(date_part('isodow', lt) AS integer) - 1)",
        )
    return (
        f"datetime(substr({col}, 1, 19), '{_offset()}')",
        "date(lt)",
        "(CAST(strftime('%%H', lt) AS INTEGER) * 60 + CAST(strftime('%%M', lt) AS INTEGER))",
        "((CAST(strftime('%%w', lt) AS INTEGER) + 6) %% 7)",
    )


def _fence() -> str:
    """Keeps PostgreSQL from folding an inner query into the outer one (its expressions would run again)."""
    return " OFFSET 0" if q.is_postgres() else ""


def _records_sql(counting: Counting, swapped: list[date], windows: bool) -> str:
    """Records per (unit, window, local day): count, outside the window's office hours, entered late."""
    lt, day, minute, weekday = _local("r.received_at")
    if q.is_postgres():
        late = f"r.entered_at - r.received_at >= interval '{int(counting.lag)} hours'"
        opens = "(date_part('hour', {0}) * 60 + date_part('minute', {0}))"
    else:
        late = f"{q.hours_between('r.received_at', 'r.entered_at')} >= {counting.lag}"
        opens = q.time_minute("{0}")
    office = "x.weekday"
    if swapped:  # a weekend day made a working day (调休) keeps Monday's hours
        office = f"CASE WHEN x.day IN ({', '.join(repr(d.isoformat()) for d in swapped)}) THEN 0 ELSE x.weekday END"
    grace = counting.grace
    # Office hours per window and weekday as at most two sessions (morning, afternoon); a record is outside when it
    # falls in neither (± grace) or on a weekday without hours at a window that has hours.
    inside = " OR ".join(f"(x.minute >= hs.o{n} - {grace} AND x.minute <= hs.c{n} + {grace})" for n in (1, 2))
    only = " AND r.window_id IN (SELECT k FROM ov_windows)" if windows else ""
    return f"""INSERT INTO oversight_recday (district_id, unit_id, window_id, day, n, outside, entered_late)
        SELECT x.district_id, x.unit_id, x.window_id, x.day, COUNT(*),
          COUNT(*) FILTER (WHERE (x.window_id IN (SELECT window_id FROM catalog_windowhours)
              AND hs.window_id IS NULL) OR (hs.window_id IS NOT NULL AND NOT ({inside}))),
          COUNT(*) FILTER (WHERE x.late)
        FROM (SELECT y.district_id, y.unit_id, y.window_id, y.late, {day} AS day, {minute} AS minute,
                {weekday} AS weekday
              FROM (SELECT r.district_id, r.unit_id, r.window_id, {lt} AS lt, {late} AS late
                    FROM ledger_servicerecord r
                    WHERE r.district_id = %s AND r.received_at >= %s AND r.received_at < %s{only}{_fence()}) y) x
        LEFT JOIN (SELECT window_id, weekday,
              MIN({opens.format("opens")}) AS o1, MIN({opens.format("closes")}) AS c1,
              MAX({opens.format("opens")}) AS o2, MAX({opens.format("closes")}) AS c2
            FROM catalog_windowhours GROUP BY window_id, weekday) hs
          ON hs.window_id = x.window_id AND hs.weekday = {office}
        GROUP BY x.district_id, x.unit_id, x.window_id, x.day"""


def _ratings_sql() -> str:
    lt, day, _, _ = _local("t.rated_at")
    active = "NOT t.is_default"
    first = f"{active} AND t.kind = 'first'"
    levels = ", ".join(f"COUNT(*) FILTER (WHERE {active} AND t.level5 = {n})" for n in range(1, 6))
    burst = "t.flags @> '[\"burst\"]'::jsonb" if q.is_postgres() else q.flag("t.flags", "burst")
    # Only a record-linked rating with a phone can differ from its record's phone: look the record up for those.
    differs = (
        "CASE WHEN t.phone_index <> '' AND t.record_id IS NOT NULL THEN EXISTS (SELECT 1 FROM ledger_servicerecord sr "
        "WHERE sr.id = t.record_id AND sr.phone_index <> '' AND sr.phone_index <> t.phone_index) ELSE FALSE END"
    )
    return f"""INSERT INTO oversight_ratday (district_id, unit_id, window_id, day, active, qr, qr_top, unlinked,
          linked, linked_top, hotline, neg, l1, l2, l3, l4, l5, burst_flag, swap_differs)
        SELECT t.district_id, t.unit_id, t.window_id, t.day,
          COUNT(*) FILTER (WHERE {active}),
          COUNT(*) FILTER (WHERE {first} AND t.channel = 'qr'),
          COUNT(*) FILTER (WHERE {first} AND t.channel = 'qr' AND t.level5 = 5),
          COUNT(*) FILTER (WHERE {first} AND t.record_id IS NULL),
          COUNT(*) FILTER (WHERE {first} AND t.record_id IS NOT NULL),
          COUNT(*) FILTER (WHERE {first} AND t.record_id IS NOT NULL AND t.level5 = 5),
          COUNT(*) FILTER (WHERE {active} AND t.channel IN {in_list(HOTLINE)}),
          COUNT(*) FILTER (WHERE {active} AND t.negative),
          {levels},
          COUNT(*) FILTER (WHERE t.burst),
          COUNT(*) FILTER (WHERE t.differs)
        FROM (SELECT t.district_id, t.unit_id, t.window_id, t.is_default, t.kind, t.channel, t.level5, t.negative,
                t.record_id, {day.replace("lt", lt)} AS day, {burst} AS burst, {differs} AS differs
              FROM ratings_rating t
              WHERE t.district_id = %s AND t.rated_at >= %s AND t.rated_at < %s{_fence()}) t
        GROUP BY t.district_id, t.unit_id, t.window_id, t.day"""


def _bursts_sql(counting: Counting) -> str:
    """Ten-minute buckets with ``burst`` records at one window. A bucket lies within one local day (the zone's
    offset is a whole number of ten minutes), and only window-days with that many records can hold one."""
    day = q.local_day("r.received_at")
    limit = counting.burst
    return f"""INSERT INTO oversight_burstday (district_id, day, unit_id, window_id, n)
        SELECT r.district_id, MIN({day}), r.unit_id, r.window_id, COUNT(*)
        FROM ledger_servicerecord r
        JOIN (SELECT window_id, day FROM oversight_recday
              WHERE district_id = %s AND day >= %s AND day <= %s AND window_id IS NOT NULL
              GROUP BY window_id, day HAVING SUM(n) >= {limit}) busy
          ON busy.window_id = r.window_id AND busy.day = {day}
        WHERE r.district_id = %s AND r.received_at >= %s AND r.received_at < %s
        GROUP BY r.district_id, r.unit_id, r.window_id, {q.bucket10("r.received_at")} HAVING COUNT(*) >= {limit}"""


# Window-days with records and no QR scan at the window (whatever unit a rating names), from the two day tables.
SILENT_SQL = """INSERT INTO oversight_silentday (district_id, day, unit_id, window_id, n)
    SELECT rc.district_id, rc.day, rc.unit_id, rc.window_id, rc.n FROM
      (SELECT district_id, window_id, unit_id, day, SUM(n) AS n FROM oversight_recday
       WHERE district_id = %s AND day >= %s AND day <= %s AND window_id IS NOT NULL
       GROUP BY district_id, window_id, unit_id, day) rc
    LEFT JOIN (SELECT window_id, day, SUM(qr) AS qr FROM oversight_ratday
       WHERE district_id = %s AND day >= %s AND day <= %s AND window_id IS NOT NULL
       GROUP BY window_id, day) rt ON rt.window_id = rc.window_id AND rt.day = rc.day
    WHERE COALESCE(rt.qr, 0) = 0"""


def recount_days(district_id: int, first: date, last: date, counting: Counting, swapped: list[date]) -> None:
    """Replace every per-day table's rows of local days first..last with a recount from the raw rows."""
    d1, d2 = day_param(first), day_param(last)
    lo, hi = bounds(first, last)
    for table in DAY_TABLES:
        execute(
            f"DELETE FROM {table} WHERE district_id = %s AND day >= %s AND day <= %s", [district_id, d1, d2]
        )
    execute(_records_sql(counting, swapped, windows=False), [district_id, lo, hi])
    execute(_ratings_sql(), [district_id, lo, hi])
    if q.is_postgres() and (last - first).days >= 3:
        # Many new rows in this transaction: without fresh statistics the joins below nest loops over them.
        for table in ("oversight_recday", "oversight_ratday"):
            execute(f"ANALYZE {table}", [])
    execute(_bursts_sql(counting), [district_id, d1, d2, district_id, lo, hi])
    execute(SILENT_SQL, [district_id, d1, d2, district_id, d1, d2])


def recount_windows(
    district_id: int, first: date, last: date, counting: Counting, swapped: list[date]
) -> None:
    """Recount the records' facts of the windows in ``ov_windows`` (their office hours changed) over first..last."""
    lo, hi = bounds(first, last)
    execute(
        "DELETE FROM oversight_recday WHERE district_id = %s AND day >= %s AND day <= %s "
        "AND window_id IN (SELECT k FROM ov_windows)",
        [district_id, day_param(first), day_param(last)],
    )
    execute(_records_sql(counting, swapped, windows=True), [district_id, lo, hi])
