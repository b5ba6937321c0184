"""Set-based aggregation of one district's records and ratings for the comparison engine.

Two passes build temporary tables per (unit, window, staff, local day): ``ov_rec`` from the service records and
``ov_rat`` from the ratings, over the compared period plus the history months before it. Every judgement then
reads these small tables or runs one grouped query over the period; nothing walks the rows in Python.
"""

# ruff: noqa: S608  (the interpolated parts are column names, dialect fragments and integer settings; values are parameters)
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection

from pingyi.lib import sqlbits as q
from pingyi.lib.scales import Channel
from pingyi.oversight.thresholds import Thresholds
from pingyi.workdays.days import UnknownYear, is_working_day

HOTLINE = (Channel.HOTLINE.value, Channel.MESSAGE_BOARD.value, Channel.MAYOR_LINE.value)
CITIZEN_DEVICE_CHANNELS = (Channel.QR.value, Channel.MOBILE.value, Channel.PC.value)
STAFF_PHONES = (
    "SELECT s.phone_index FROM catalog_staff s JOIN catalog_unit su ON su.id = s.unit_id "
    "WHERE su.district_id = %s AND s.phone_index <> ''"
)
REC_COLUMNS = ("n", "staff_phone", "outside", "entered_late")
RAT_COLUMNS = (
    "active", "qr", "qr_top", "unlinked", "linked", "linked_top", "hotline", "neg",
    "l1", "l2", "l3", "l4", "l5", "staff_phone_r", "staff_device", "burst_flag",
)  # fmt: skip

Key = tuple[int, date]  # (unit_id, first day of month)


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _execute(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass
class Facts:
    district_id: int
    start: date  # first day compared
    end: date  # last day compared (inclusive)
    limits: Thresholds

    @property
    def history_start(self) -> date:
        return add_months(month_start(self.start), -self.limits.history_months)

    def _bounds(self, first: date) -> tuple[Any, Any]:
        tz = ZoneInfo(settings.TIME_ZONE)
        lo = datetime.combine(first, time.min, tzinfo=tz)
        hi = datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=tz)
        return q.ts(lo), q.ts(hi)

    def swapped_days(self) -> list[date]:
        """Weekend days that are working days (调休) in the span read; years without a schedule give none."""
        days, day = [], self.history_start
        while day <= self.end:
            if day.weekday() >= 5:
                try:
                    if is_working_day(day):
                        days.append(day)
                except UnknownYear:
                    pass
            day += timedelta(days=1)
        return days

    # ---------------------------------------------------------------------------------------------- the two passes
    def build(self) -> None:
        lo, hi = self._bounds(self.history_start)
        grace = self.limits.outside_hours_grace_minutes
        lag = self.limits.late_entry_lag_hours
        day, minute = q.local_day("r.received_at"), q.local_minute("r.received_at")
        weekday = q.local_weekday("r.received_at")
        swapped = self.swapped_days()
        if swapped:  # a weekend day made a working day (调休) keeps Monday's hours
            weekday = f"CASE WHEN {day} IN ({', '.join(repr(d.isoformat()) for d in swapped)}) THEN 0 ELSE {weekday} END"
        for table in ("ov_rec", "ov_rat"):
            _execute(f"DROP TABLE IF EXISTS {table}", [])
        if q.is_postgres():
            # PostgreSQL fast path: hash aggregates in memory, no JIT compilation (seconds for these expressions).
            _execute("SET LOCAL work_mem = '256MB'", [])
            _execute("SET LOCAL jit = off", [])
        # Office hours per window and weekday as at most two sessions (morning, afternoon); a record is outside
        # when it falls in neither (± grace) or on a weekday without hours at a window that has hours.
        inside = " OR ".join(
            f"({minute} >= hs.o{n} - {grace} AND {minute} <= hs.c{n} + {grace})" for n in (1, 2)
        )
        _execute(
            f"""CREATE TEMP TABLE ov_rec AS
            SELECT r.unit_id, r.window_id, r.staff_id, {day} AS day, COUNT(*) AS n,
              COUNT(*) FILTER (WHERE r.phone_index <> '' AND r.phone_index IN ({STAFF_PHONES})) AS staff_phone,
              COUNT(*) FILTER (WHERE (r.window_id IN (SELECT window_id FROM catalog_windowhours)
                  AND hs.window_id IS NULL) OR (hs.window_id IS NOT NULL AND NOT ({inside}))) AS outside,
              COUNT(*) FILTER (WHERE {q.hours_between("r.received_at", "r.entered_at")} >= {lag})
                AS entered_late
            FROM ledger_servicerecord r
            LEFT JOIN (SELECT window_id, weekday,
                  MIN({q.time_minute("opens")}) AS o1, MIN({q.time_minute("closes")}) AS c1,
                  MAX({q.time_minute("opens")}) AS o2, MAX({q.time_minute("closes")}) AS c2
                FROM catalog_windowhours GROUP BY window_id, weekday) hs
              ON hs.window_id = r.window_id AND hs.weekday = {weekday}
            WHERE r.district_id = %s AND r.received_at >= %s AND r.received_at < %s
            GROUP BY r.unit_id, r.window_id, r.staff_id, {day}""",
            [self.district_id, self.district_id, lo, hi],
        )
        tday = q.local_day("t.rated_at")
        active = "NOT t.is_default"
        first = f"{active} AND t.kind = 'first'"
        # A rating from a staff phone or device is no citizen's voice: it does not count as a signal.
        by_staff = (
            f"((t.phone_index <> '' AND t.phone_index IN ({STAFF_PHONES})) OR "
            "(t.device_fp <> '' AND t.device_fp IN (SELECT device_fp FROM ratings_staffdevice)))"
        )
        levels = ", ".join(
            f"COUNT(*) FILTER (WHERE {active} AND t.level5 = {n}) AS l{n}" for n in range(1, 6)
        )
        _execute(
            f"""CREATE TEMP TABLE ov_rat AS
            SELECT t.unit_id, t.window_id, t.staff_id, {tday} AS day,
              COUNT(*) FILTER (WHERE {active}) AS active,
              COUNT(*) FILTER (WHERE {first} AND t.channel = 'qr') AS qr,
              COUNT(*) FILTER (WHERE {first} AND t.channel = 'qr' AND t.level5 = 5) AS qr_top,
              COUNT(*) FILTER (WHERE {first} AND t.record_id IS NULL AND NOT {by_staff}) AS unlinked,
              COUNT(*) FILTER (WHERE {first} AND t.record_id IS NOT NULL) AS linked,
              COUNT(*) FILTER (WHERE {first} AND t.record_id IS NOT NULL AND t.level5 = 5) AS linked_top,
              COUNT(*) FILTER (WHERE {active} AND t.channel IN {_in(HOTLINE)}) AS hotline,
              COUNT(*) FILTER (WHERE {active} AND t.negative) AS neg,
              {levels},
              COUNT(*) FILTER (WHERE t.phone_index <> '' AND t.phone_index IN ({STAFF_PHONES}))
                AS staff_phone_r,
              COUNT(*) FILTER (WHERE t.device_fp <> '' AND t.device_fp IN (SELECT device_fp FROM ratings_staffdevice)) AS staff_device,
              COUNT(*) FILTER (WHERE {q.flag("t.flags", "burst")}) AS burst_flag
            FROM ratings_rating t
            WHERE t.district_id = %s AND t.rated_at >= %s AND t.rated_at < %s
            GROUP BY t.unit_id, t.window_id, t.staff_id, {tday}""",
            [self.district_id, self.district_id, self.district_id, lo, hi],
        )

    # ------------------------------------------------------------------------------------------- per unit and month
    def unit_months(self) -> dict[Key, dict[str, int]]:
        """Sums per (unit, month) over history and period: records columns and ratings columns."""
        out: dict[Key, dict[str, int]] = defaultdict(lambda: dict.fromkeys(REC_COLUMNS + RAT_COLUMNS, 0))
        for table, columns in (("ov_rec", REC_COLUMNS), ("ov_rat", RAT_COLUMNS)):
            sums = ", ".join(f"SUM({c})" for c in columns)
            month = q.month_of_day("day")
            sql = f"SELECT unit_id, {month}, {sums} FROM {table} WHERE unit_id > %s GROUP BY unit_id, {month}"
            for unit_id, month_value, *values in _rows(sql, [0]):
                row = out[(unit_id, q.as_date(month_value))]
                row.update({c: int(v or 0) for c, v in zip(columns, values, strict=True)})
        return dict(out)

    def silent_days(self) -> list[tuple[int, int, date, int]]:
        """(window, unit, day, records) for compared days on which a window served people and got no QR scan."""
        sql = """SELECT rc.window_id, rc.unit_id, rc.day, rc.n FROM
              (SELECT window_id, unit_id, day, SUM(n) AS n FROM ov_rec WHERE window_id IS NOT NULL AND day >= %s
               GROUP BY window_id, unit_id, day) rc
            LEFT JOIN (SELECT window_id, day, SUM(qr) AS qr FROM ov_rat WHERE window_id IS NOT NULL AND day >= %s
               GROUP BY window_id, day) rt ON rt.window_id = rc.window_id AND rt.day = rc.day
            WHERE COALESCE(rt.qr, 0) = 0 ORDER BY rc.window_id, rc.day"""
        start = self.start if q.is_postgres() else self.start.isoformat()
        return [(w, u, q.as_date(d), int(n)) for w, u, d, n in _rows(sql, [start, start])]

    def daily(self, unit_ids: list[int]) -> dict[int, dict[date, tuple[int, int]]]:
        """Per unit and compared day: (records, ratings not tied to a record) — the evidence's daily series."""
        out: dict[int, dict[date, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
        if not unit_ids:
            return {}
        marks = ", ".join(["%s"] * len(unit_ids))
        start = self.start if q.is_postgres() else self.start.isoformat()
        for index, (table, column) in enumerate((("ov_rec", "n"), ("ov_rat", "unlinked"))):
            sql = (
                f"SELECT unit_id, day, SUM({column}) FROM {table} WHERE day >= %s AND unit_id IN ({marks}) "
                "GROUP BY unit_id, day"
            )
            for unit_id, day, value in _rows(sql, [start, *unit_ids]):
                out[unit_id][q.as_date(day)][index] = int(value or 0)
        return {u: {d: (v[0], v[1]) for d, v in days.items()} for u, days in out.items()}

    def daily_windows(self, window_ids: list[int]) -> dict[int, dict[date, tuple[int, int]]]:
        """Per window and compared day: (records, QR scans) — the evidence of a silent window."""
        out: dict[int, dict[date, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
        if not window_ids:
            return {}
        marks = ", ".join(["%s"] * len(window_ids))
        start = self.start if q.is_postgres() else self.start.isoformat()
        for index, (table, column) in enumerate((("ov_rec", "n"), ("ov_rat", "qr"))):
            sql = (
                f"SELECT window_id, day, SUM({column}) FROM {table} WHERE day >= %s AND window_id IN ({marks}) "
                "GROUP BY window_id, day"
            )
            for window_id, day, value in _rows(sql, [start, *window_ids]):
                out[window_id][q.as_date(day)][index] = int(value or 0)
        return {w: {d: (v[0], v[1]) for d, v in days.items()} for w, days in out.items()}

    # ------------------------------------------------------------------------------- grouped queries on the period
    def phones(self) -> list[tuple[int, str, date, int, int]]:
        """(unit, phone index, month, records, units the phone appears at) for repeated phones of the period."""
        lo, hi = self._bounds(self.start)
        month = q.local_month("r.received_at")
        # Hash aggregates only (no sort): phones per unit, then the phones seen at two units or more.
        sql = f"""WITH per_unit AS (
              SELECT r.unit_id, r.phone_index, {month} AS month, COUNT(*) AS n FROM ledger_servicerecord r
              WHERE r.district_id = %s AND r.received_at >= %s AND r.received_at < %s AND r.phone_index <> ''
              GROUP BY r.unit_id, r.phone_index, {month}),
            multi AS (SELECT phone_index, month, COUNT(*) AS units FROM per_unit
              GROUP BY phone_index, month HAVING COUNT(*) >= 2)
            SELECT p.unit_id, p.phone_index, p.month, p.n, COALESCE(m.units, 1) FROM per_unit p
            LEFT JOIN multi m ON m.phone_index = p.phone_index AND m.month = p.month
            WHERE p.n >= 2 OR m.units IS NOT NULL"""
        return [
            (u, p, q.as_date(m), int(n), int(k)) for u, p, m, n, k in _rows(sql, [self.district_id, lo, hi])
        ]

    def bursts(self) -> list[tuple[int, int, date, int]]:
        """(unit, window, month, records) for every ten minutes with at least ``burst_records`` at one window.

        Only window-days with that many records at all can hold a burst: the facts name them, the join reads those.
        """
        lo, hi = self._bounds(self.start)
        limit = self.limits.burst_records
        start = self.start if q.is_postgres() else self.start.isoformat()
        day = q.local_day("r.received_at")
        sql = f"""SELECT r.unit_id, r.window_id, MIN({day}), COUNT(*)
            FROM ledger_servicerecord r
            JOIN (SELECT window_id, day FROM ov_rec WHERE window_id IS NOT NULL AND day >= %s
                  GROUP BY window_id, day HAVING SUM(n) >= %s) busy
              ON busy.window_id = r.window_id AND busy.day = {day}
            WHERE r.district_id = %s AND r.received_at >= %s AND r.received_at < %s
            GROUP BY r.unit_id, r.window_id, {q.bucket10("r.received_at")} HAVING COUNT(*) >= %s"""
        rows = _rows(sql, [start, limit, self.district_id, lo, hi, limit])
        return [(u, w, month_start(q.as_date(d)), int(n)) for u, w, d, n in rows]

    def devices(self) -> list[tuple[int, date, int, int]]:
        """(unit, month, ratings, top-level ratings) per citizen device fingerprint rating one unit often."""
        lo, hi = self._bounds(self.start)
        month = q.local_month("t.rated_at")
        sql = f"""SELECT t.unit_id, {month}, COUNT(*), COUNT(*) FILTER (WHERE t.level5 = 5)
            FROM ratings_rating t
            WHERE t.district_id = %s AND t.rated_at >= %s AND t.rated_at < %s AND t.device_fp <> ''
              AND NOT t.is_default AND t.channel IN {_in(CITIZEN_DEVICE_CHANNELS)}
            GROUP BY t.unit_id, t.device_fp, {month} HAVING COUNT(*) >= %s"""
        rows = _rows(sql, [self.district_id, lo, hi, self.limits.fraud_device_ratings])
        return [(u, q.as_date(m), int(n), int(top)) for u, m, n, top in rows]

    def swaps(self) -> list[tuple[int, date, int, int]]:
        """(unit, month, ratings from a phone other than their record's, ratings from a staff phone)."""
        lo, hi = self._bounds(self.start)
        month = q.local_month("t.rated_at")
        sql = f"""SELECT t.unit_id, {month},
              COUNT(*) FILTER (WHERE r.phone_index <> '' AND t.phone_index <> r.phone_index),
              COUNT(*) FILTER (WHERE t.phone_index IN ({STAFF_PHONES}))
            FROM ratings_rating t JOIN ledger_servicerecord r ON r.id = t.record_id
            WHERE t.district_id = %s AND t.rated_at >= %s AND t.rated_at < %s AND t.phone_index <> ''
            GROUP BY t.unit_id, {month}"""
        rows = _rows(sql, [self.district_id, self.district_id, lo, hi])
        return [(u, q.as_date(m), int(a or 0), int(b or 0)) for u, m, a, b in rows]

    def late_entries(self) -> list[tuple[int, date, int]]:
        """(unit, month, records) served shortly before a complaint about their unit and entered after it.

        Only records entered ``late_entry_lag_hours`` after service can qualify; the facts tell whether there are
        any, and the join starts from them (few) rather than from the complaints (many at provincial scale).
        """
        if not _rows("SELECT COUNT(*) FROM ov_rec WHERE entered_late > %s", [0])[0][0]:
            return []
        lo, hi = self._bounds(self.start)
        lookback = q.minus_days("c.rated_at", self.limits.late_entry_lookback_days)
        month = q.local_month("lr.received_at")
        sql = f"""SELECT lr.unit_id, {month}, COUNT(DISTINCT lr.id)
            FROM (SELECT r.id, r.unit_id, r.window_id, r.received_at, r.entered_at FROM ledger_servicerecord r
                  WHERE r.district_id = %s AND r.received_at >= %s AND r.received_at < %s
                    AND {q.hours_between("r.received_at", "r.entered_at")} >= %s) lr
            JOIN ratings_rating c ON c.unit_id = lr.unit_id AND (c.window_id IS NULL OR lr.window_id = c.window_id)
              AND lr.received_at >= {lookback} AND lr.received_at <= c.rated_at AND lr.entered_at > c.received_at
            WHERE c.district_id = %s AND NOT c.is_default AND (c.negative OR c.channel IN {_in(HOTLINE)})
            GROUP BY lr.unit_id, {month}"""
        lag = self.limits.late_entry_lag_hours
        rows = _rows(
            sql,
            [
                self.district_id,
                q.ts_back(lo, self.limits.late_entry_lookback_days),
                hi,
                lag,
                self.district_id,
            ],
        )
        return [(u, q.as_date(m), int(n)) for u, m, n in rows]

    def drop(self) -> None:
        for table in ("ov_rec", "ov_rat"):
            _execute(f"DROP TABLE IF EXISTS {table}", [])
