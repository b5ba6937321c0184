"""What the comparison engine reads: one district's facts over a period (and the history months before it).

The per-day facts (``facts_store`` keeps them equal to a recount of the raw rows) hold what each row says about
itself; whose phone or device is a staff member's is decided here, at comparison time, from the staff catalogue
through the raw tables' phone and device indexes (few rows). Every judgement then reads these aggregates; nothing
walks the rows in Python.
"""

# ruff: noqa: S608  (the interpolated parts are column names, dialect fragments and integer settings; values are parameters)
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from pingyi.lib import sqlbits as q
from pingyi.oversight.facts.months import month_end
from pingyi.oversight.facts.sql import (
    CITIZEN_DEVICE_CHANNELS,
    HOTLINE,
    bounds,
    by_key,
    day_param,
    execute,
    in_list,
    rows,
    tune_transaction,
)
from pingyi.oversight.facts.store import coverage, refresh
from pingyi.oversight.thresholds import Thresholds

STAFF_PHONES = (
    "SELECT s.phone_index FROM catalog_staff s JOIN catalog_unit su ON su.id = s.unit_id "
    "WHERE su.district_id = %s AND s.phone_index <> ''"
)
STAFF_DEVICES = "SELECT device_fp FROM ratings_staffdevice WHERE device_fp <> ''"
REC_COLUMNS = ("n", "staff_phone", "outside", "entered_late")
RAT_COLUMNS = (
    "active", "qr", "qr_top", "unlinked", "linked", "linked_top", "hotline", "neg",
    "l1", "l2", "l3", "l4", "l5", "staff_phone_r", "staff_device", "burst_flag",
)  # fmt: skip
STORED_RAT = tuple(c for c in RAT_COLUMNS if c not in ("staff_phone_r", "staff_device"))

Key = tuple[int, date]  # (unit_id, first day of month)
UnitDay = tuple[int, date]


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def months_of(start: date, end: date) -> list[date]:
    months, month = [], month_start(start)
    while month <= end:
        months.append(month)
        month = add_months(month, 1)
    return months


@dataclass
class Staffed:
    """Per (unit, local day): rows from staff phones or devices, found through the raw tables' indexes."""

    unlinked: dict[UnitDay, int] = field(default_factory=dict)  # first, active ratings not tied to a record
    phone_ratings: dict[UnitDay, int] = field(default_factory=dict)
    device_ratings: dict[UnitDay, int] = field(default_factory=dict)
    callbacks: dict[UnitDay, int] = field(default_factory=dict)  # record-linked ratings from a staff phone
    records: dict[UnitDay, int] = field(default_factory=dict)  # records carrying a staff phone


@dataclass
class Facts:
    district_id: int
    start: date  # first day compared
    end: date  # last day compared (inclusive)
    limits: Thresholds
    _staffed: Staffed | None = None

    @property
    def history_start(self) -> date:
        return add_months(month_start(self.start), -self.limits.history_months)

    def build(self) -> dict[str, int]:
        """Bring the facts of the history months and the period up to date (recounting only what changed)."""
        tune_transaction()
        return refresh(self.district_id, self.history_start, self.end, self.limits)

    def _span(self, first: date) -> list[Any]:
        return [self.district_id, day_param(first), day_param(self.end)]

    # --------------------------------------------------------------------------------------------- staff, live
    def staffed(self) -> Staffed:
        if self._staffed is None:
            self._staffed = self._find_staffed()
        return self._staffed

    def _find_staffed(self) -> Staffed:
        lo, hi = bounds(self.history_start, self.end)
        d = self.district_id
        columns = "x.id, x.unit_id, x.rated_at, x.is_default, x.kind, x.record_id, x.phone_index, x.device_fp"
        when = "x.district_id = %s AND x.rated_at >= %s AND x.rated_at < %s"
        staff_phone = f"u.phone_index <> '' AND u.phone_index IN ({STAFF_PHONES})"
        sql = f"""SELECT u.unit_id, {q.local_day("u.rated_at")},
              COUNT(*) FILTER (WHERE NOT u.is_default AND u.kind = 'first' AND u.record_id IS NULL),
              COUNT(*) FILTER (WHERE {staff_phone}),
              COUNT(*) FILTER (WHERE u.device_fp <> '' AND u.device_fp IN ({STAFF_DEVICES})),
              COUNT(*) FILTER (WHERE u.record_id IS NOT NULL AND {staff_phone})
            FROM ({by_key("ratings_rating", "phone_index", STAFF_PHONES, columns, when)}
                  UNION {by_key("ratings_rating", "device_fp", STAFF_DEVICES, columns, when)}) u
            GROUP BY u.unit_id, {q.local_day("u.rated_at")}"""
        out = Staffed()
        for unit_id, day, unlinked, phone, device, callback in rows(sql, [d, d, d, d, lo, hi, d, lo, hi]):
            key = (unit_id, q.as_date(day))
            out.unlinked[key], out.phone_ratings[key] = int(unlinked), int(phone)
            out.device_ratings[key], out.callbacks[key] = int(device), int(callback)
        when = "x.district_id = %s AND x.received_at >= %s AND x.received_at < %s"
        source = by_key("ledger_servicerecord", "phone_index", STAFF_PHONES, "x.unit_id, x.received_at", when)
        rday = q.local_day("u.received_at")
        sql = f"SELECT u.unit_id, {rday}, COUNT(*) FROM ({source}) u GROUP BY u.unit_id, {rday}"
        for unit_id, day, n in rows(sql, [d, d, lo, hi]):
            out.records[(unit_id, q.as_date(day))] = int(n)
        return out

    # ------------------------------------------------------------------------------------------- per unit and month
    def unit_months(self) -> dict[Key, dict[str, int]]:
        """Sums per (unit, month) over history and period: records columns and ratings columns."""
        out: dict[Key, dict[str, int]] = defaultdict(lambda: dict.fromkeys(REC_COLUMNS + RAT_COLUMNS, 0))
        month = q.month_of_day("day")
        for table, columns in (
            ("oversight_recday", ("n", "outside", "entered_late")),
            ("oversight_ratday", STORED_RAT),
        ):
            sums = ", ".join(f"SUM({c})" for c in columns)
            sql = (
                f"SELECT unit_id, {month}, {sums} FROM {table} WHERE district_id = %s AND day >= %s AND day <= %s "
                f"GROUP BY unit_id, {month}"
            )
            for unit_id, month_value, *values in rows(sql, self._span(self.history_start)):
                row = out[(unit_id, q.as_date(month_value))]
                row.update({c: int(v or 0) for c, v in zip(columns, values, strict=True)})
        staffed = self.staffed()
        for name, per_day, sign in (
            ("unlinked", staffed.unlinked, -1),
            ("staff_phone_r", staffed.phone_ratings, 1),
            ("staff_device", staffed.device_ratings, 1),
            ("staff_phone", staffed.records, 1),
        ):
            for (unit_id, day), n in per_day.items():
                out[(unit_id, month_start(day))][name] += sign * n
        return dict(out)

    def silent_days(self) -> list[tuple[int, int, date, int]]:
        """(window, unit, day, records) for compared days on which a window served people and got no QR scan."""
        sql = (
            "SELECT window_id, unit_id, day, n FROM oversight_silentday WHERE district_id = %s AND day >= %s "
            "AND day <= %s ORDER BY window_id, day"
        )
        return [(w, u, q.as_date(d), int(n)) for w, u, d, n in rows(sql, self._span(self.start))]

    def daily(self, unit_ids: list[int]) -> dict[int, dict[date, tuple[int, int]]]:
        """Per unit and compared day: (records, ratings not tied to a record) — the evidence's daily series."""
        return self._series(
            "unit_id", unit_ids, (("oversight_recday", "n"), ("oversight_ratday", "unlinked"))
        )

    def daily_windows(self, window_ids: list[int]) -> dict[int, dict[date, tuple[int, int]]]:
        """Per window and compared day: (records, QR scans) — the evidence of a silent window."""
        return self._series("window_id", window_ids, (("oversight_recday", "n"), ("oversight_ratday", "qr")))

    def _series(
        self, scope: str, ids: list[int], sources: tuple[tuple[str, str], ...]
    ) -> dict[int, dict[date, tuple[int, int]]]:
        out: dict[int, dict[date, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
        if not ids:
            return {}
        marks = ", ".join(["%s"] * len(ids))
        staff_unlinked = self.staffed().unlinked if scope == "unit_id" else {}
        for index, (table, column) in enumerate(sources):
            sql = (
                f"SELECT {scope}, day, SUM({column}) FROM {table} WHERE district_id = %s AND day >= %s "
                f"AND day <= %s AND {scope} IN ({marks}) GROUP BY {scope}, day"
            )
            for scope_id, day_value, value in rows(sql, [*self._span(self.start), *ids]):
                day = q.as_date(day_value)
                less = staff_unlinked.get((scope_id, day), 0) if column == "unlinked" else 0
                out[scope_id][day][index] = int(value or 0) - less
        return {k: {d: (v[0], v[1]) for d, v in days.items()} for k, days in out.items()}

    # ------------------------------------------------------------------------------------------ grouped on the period
    def _slices(self) -> list[tuple[date, date, date, bool]]:
        """(month, first, last, whether the month table covers exactly first..last) per month of the period."""
        covered = coverage(self.district_id, self.start, self.end)
        out = []
        for month in months_of(self.start, self.end):
            first, last = max(self.start, month), min(self.end, month_end(month))
            wanted = [first + timedelta(days=n) for n in range((last - first).days + 1)]
            out.append((month, first, last, covered[month] == wanted))
        return out

    def phones(self, records: dict[Key, int]) -> list[tuple[int, str, date, int, int]]:
        """(unit, phone index, month, records, units the phone is on) for the repeated phones a rule can read: every
        phone on ``phone_many_records`` records or ``phone_many_units`` units, and the five most frequent of each unit
        whose records (``records``, per unit and month) they could concentrate — five phones of at most the unit's
        most frequent count each must reach ``concentration_share`` of at least ``concentration_min_phones``."""
        lim = self.limits
        out: list[tuple[int, str, date, int, int]] = []
        for month, first, last, fits in self._slices():
            if fits:
                table, params = "oversight_phonemonth", [self.district_id, day_param(month)]
                where = "district_id = %s AND month = %s"
            else:  # the period does not cover the month's covered days exactly: count the raw rows
                month_of = q.local_month("r.received_at")
                execute("DROP TABLE IF EXISTS ov_phones", [])
                execute(
                    f"""CREATE TEMP TABLE ov_phones AS SELECT r.unit_id, r.phone_index, COUNT(*) AS n,
                          COUNT(*) OVER (PARTITION BY r.phone_index, {month_of}) AS units
                        FROM ledger_servicerecord r
                        WHERE r.district_id = %s AND r.received_at >= %s AND r.received_at < %s
                          AND r.phone_index <> ''
                        GROUP BY r.unit_id, r.phone_index, {month_of}""",
                    [self.district_id, *bounds(first, last)],
                )
                table, params, where = "ov_phones", [], "1 = 1"
            where += " AND (n >= 2 OR units >= 2)"
            sql = f"SELECT unit_id, phone_index, n, units FROM {table} WHERE {where} AND (n >= %s OR units >= %s)"
            found = rows(sql, [*params, lim.phone_many_records, lim.phone_many_units])
            top = rows(f"SELECT unit_id, MAX(n) FROM {table} WHERE {where} GROUP BY unit_id", params)
            candidates = []
            for unit_id, most in top:
                n = records.get((unit_id, month), 0)
                # sum of the top five ≤ 5 × the most frequent; a hair of slack for the float comparison
                if n >= lim.concentration_min_phones and 5 * most >= lim.concentration_share * n * (1 - 1e-9):
                    candidates.append(unit_id)
            for start in range(0, len(candidates), 500):
                chunk = candidates[start : start + 500]
                marks = ", ".join(["%s"] * len(chunk))
                sql = f"""SELECT unit_id, phone_index, n, units FROM (
                      SELECT unit_id, phone_index, n, units,
                        ROW_NUMBER() OVER (PARTITION BY unit_id ORDER BY n DESC) AS rk
                      FROM {table} WHERE {where} AND unit_id IN ({marks})) r
                    WHERE rk <= 5"""
                found += rows(sql, [*params, *chunk])
            unique = {(u, p): (int(n), int(k)) for u, p, n, k in found}  # a frequent phone may be both
            out.extend((u, p, month, n, k) for (u, p), (n, k) in unique.items())
        execute("DROP TABLE IF EXISTS ov_phones", [])
        return out

    def bursts(self) -> list[tuple[int, int, date, int]]:
        """(unit, window, month, records) for every ten minutes with at least ``burst_records`` at one window."""
        sql = (
            "SELECT unit_id, window_id, day, n FROM oversight_burstday "
            "WHERE district_id = %s AND day >= %s AND day <= %s"
        )
        return [(u, w, month_start(q.as_date(d)), int(n)) for u, w, d, n in rows(sql, self._span(self.start))]

    def devices(self) -> list[tuple[int, date, int, int]]:
        """(unit, month, ratings, top-level ratings) per citizen device fingerprint rating one unit often."""
        limit = self.limits.fraud_device_ratings
        out: list[tuple[int, date, int, int]] = []
        for month, first, last, fits in self._slices():
            if fits and limit >= 2:  # the month table keeps the devices seen twice at a unit
                sql = (
                    "SELECT unit_id, n, top FROM oversight_devicemonth WHERE district_id = %s AND month = %s "
                    "AND n >= %s"
                )
                params: list[Any] = [self.district_id, day_param(month), limit]
            else:
                sql = f"""SELECT t.unit_id, COUNT(*), COUNT(*) FILTER (WHERE t.level5 = 5) FROM ratings_rating t
                    WHERE t.district_id = %s AND t.rated_at >= %s AND t.rated_at < %s AND t.device_fp <> ''
                      AND NOT t.is_default AND t.channel IN {in_list(CITIZEN_DEVICE_CHANNELS)}
                    GROUP BY t.unit_id, t.device_fp HAVING COUNT(*) >= %s"""
                params = [self.district_id, *bounds(first, last), limit]
            out.extend((u, month, int(n), int(top)) for u, n, top in rows(sql, params))
        return out

    def swaps(self) -> list[tuple[int, date, int, int]]:
        """(unit, month, ratings from a phone other than their record's, ratings from a staff phone)."""
        month = q.month_of_day("day")
        sql = (
            f"SELECT unit_id, {month}, SUM(swap_differs) FROM oversight_ratday WHERE district_id = %s "
            f"AND day >= %s AND day <= %s GROUP BY unit_id, {month} HAVING SUM(swap_differs) > 0"
        )
        found: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
        for unit_id, month_value, n in rows(sql, self._span(self.start)):
            found[(unit_id, q.as_date(month_value))][0] = int(n)
        for (unit_id, day), n in self.staffed().callbacks.items():
            if self.start <= day <= self.end and n:
                found[(unit_id, month_start(day))][1] += n
        return [(u, m, a, b) for (u, m), (a, b) in found.items()]

    def late_entries(self) -> list[tuple[int, date, int]]:
        """(unit, month, records) served shortly before a complaint about their unit and entered after it.

        Only records entered ``late_entry_lag_hours`` after service can qualify; the facts tell whether there are
        any, and the join starts from them (few) rather than from the complaints (many at provincial scale).
        """
        gate = (
            "SELECT COUNT(*) FROM oversight_recday WHERE district_id = %s AND day >= %s AND day <= %s "
            "AND entered_late > 0"
        )
        if not rows(gate, self._span(self.history_start))[0][0]:
            return []
        lo, hi = bounds(self.start, self.end)
        lookback = q.minus_days("c.rated_at", self.limits.late_entry_lookback_days)
        month = q.local_month("lr.received_at")
        sql = f"""SELECT lr.unit_id, {month}, COUNT(DISTINCT lr.id)
            FROM (SELECT r.id, r.unit_id, r.window_id, r.received_at, r.entered_at FROM ledger_servicerecord r
                  WHERE r.district_id = %s AND r.received_at >= %s AND r.received_at < %s
                    AND {q.hours_between("r.received_at", "r.entered_at")} >= %s) lr
            JOIN ratings_rating c ON c.unit_id = lr.unit_id AND (c.window_id IS NULL OR lr.window_id = c.window_id)
              AND lr.received_at >= {lookback} AND lr.received_at <= c.rated_at AND lr.entered_at > c.received_at
            WHERE c.district_id = %s AND NOT c.is_default AND (c.negative OR c.channel IN {in_list(HOTLINE)})
            GROUP BY lr.unit_id, {month}"""
        lag = self.limits.late_entry_lag_hours
        params = [
            self.district_id,
            q.ts_back(lo, self.limits.late_entry_lookback_days),
            hi,
            lag,
            self.district_id,
        ]
        return [(u, q.as_date(m), int(n)) for u, m, n in rows(sql, params)]
