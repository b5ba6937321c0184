"""Keeping a district's comparison facts equal to a recount of the raw rows, one local day at a time.

``refresh`` brings the facts of a span of days up to date before a comparison reads them: it recounts every day of
the span not covered yet, every covered day the change feed names since the facts' cursor (``pingyi.derived``,
decision 0026: every day that received ratings or records, any span — a late rating of an old month recounts that
day — and every day a writer said its rows changed), every day whose office-hours weekday changed (a 调休 schedule
published later), the records of every window whose office hours changed, and everything when the counting
settings changed. A day whose rows were edited or removed (not only added) recounts its month tables for every key,
not only the keys its rows hold. ``facts_check`` compares everything with a recount from scratch (rolled back).
"""

# ruff: noqa: S608  (table names come from facts_sql and facts_months)
from __future__ import annotations

from collections.abc import Set as AbstractSet
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from pingyi.derived import readers
from pingyi.lib import sqlbits as q
from pingyi.oversight.facts import months
from pingyi.oversight.facts.models import FactDay, FactState
from pingyi.oversight.facts.sql import (
    DAY_TABLES,
    Counting,
    execute,
    recount_days,
    recount_windows,
    rows,
    tune_transaction,
)
from pingyi.oversight.thresholds import Thresholds
from pingyi.workdays.days import UnknownYear, is_working_day

SUBSCRIBER = "oversight.facts"  # subscribed in OversightConfig.ready to ratings and records, per district
MONTH_TABLES = tuple(t.table for t in months.TABLES)
FACT_COLUMNS = {
    "oversight_recday": "unit_id, window_id, day, n, outside, entered_late",
    "oversight_ratday": "unit_id, window_id, day, active, qr, qr_top, unlinked, linked, linked_top, hotline, neg, "
    "l1, l2, l3, l4, l5, burst_flag, swap_differs",
    "oversight_burstday": "day, unit_id, window_id, n",
    "oversight_silentday": "day, unit_id, window_id, n",
    "oversight_phonemonth": "month, phone_index, unit_id, n, units",
    "oversight_devicemonth": "month, device_fp, unit_id, n, top",
}


def counting_of(limits: Thresholds) -> Counting:
    return Counting(limits.outside_hours_grace_minutes, limits.late_entry_lag_hours, limits.burst_records)


def office_weekday(day: date) -> int:
    """The weekday whose office hours apply: Monday's on a weekend day made a working day (调休)."""
    if day.weekday() >= 5:
        try:
            if is_working_day(day):
                return 0
        except UnknownYear:
            pass  # a year without a schedule: no swapped days
    return day.weekday()


def _swapped(first: date, last: date) -> list[date]:
    return [d for d in _days(first, last) if office_weekday(d) != d.weekday()]


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def day_runs(days: list[date]) -> list[tuple[date, date]]:
    """Consecutive days of one month as (first, last) spans."""
    spans: list[list[date]] = []
    for day in sorted(days):
        if spans and day - spans[-1][1] == timedelta(days=1) and day.month == spans[-1][1].month:
            spans[-1][1] = day
        else:
            spans.append([day, day])
    return [(a, b) for a, b in spans]


def _lock(district_id: int) -> FactState:
    """The district's state row, locked: two refreshes of one district never interleave."""
    FactState.objects.get_or_create(district_id=district_id)
    return FactState.objects.select_for_update().get(district_id=district_id)


def _hours_changed(district_id: int) -> int:
    """Fill ``ov_windows`` with the district's windows whose office hours differ from those counted with."""
    execute("DROP TABLE IF EXISTS ov_windows", [])
    execute("CREATE TEMP TABLE ov_windows (k bigint)", [])
    current = (
        "SELECT wh.window_id, wh.weekday, wh.opens, wh.closes FROM catalog_windowhours wh "
        "JOIN catalog_window w ON w.id = wh.window_id JOIN catalog_unit u ON u.id = w.unit_id "
        "WHERE u.district_id = %s"
    )
    seen = "SELECT window_id, weekday, opens, closes FROM oversight_hoursseen WHERE district_id = %s"
    if q.is_postgres() and _digest(current, district_id) == _digest(seen, district_id):
        return 0  # the same rows (a 64-bit hash per row, summed): nothing changed, no row-by-row comparison
    execute(
        f"INSERT INTO ov_windows (k) SELECT window_id FROM ({current} EXCEPT {seen}) a "
        f"UNION SELECT window_id FROM ({seen} EXCEPT {current}) b",
        [district_id] * 4,
    )
    changed = int(rows("SELECT COUNT(*) FROM ov_windows", [])[0][0])
    if changed:
        execute(
            "DELETE FROM oversight_hoursseen WHERE district_id = %s AND window_id IN (SELECT k FROM ov_windows)",
            [district_id],
        )
        execute(
            "INSERT INTO oversight_hoursseen (district_id, window_id, weekday, opens, closes) "
            f"SELECT %s, c.window_id, c.weekday, c.opens, c.closes FROM ({current}) c "
            "WHERE c.window_id IN (SELECT k FROM ov_windows)",
            [district_id, district_id],
        )
    return changed


def _digest(hours: str, district_id: int) -> tuple[int, int]:
    """PostgreSQL: the number of office-hours rows and the sum of a 64-bit hash of each."""
    row = rows(
        "SELECT COUNT(*), COALESCE(SUM(hashtextextended(h.window_id || '/' || h.weekday || '/' || h.opens || '/' "
        f"|| h.closes, 0)), 0) FROM ({hours}) h",
        [district_id],
    )[0]
    return int(row[0]), int(row[1])


def forget_all(district_id: int) -> None:
    for table in (*DAY_TABLES, *MONTH_TABLES, "oversight_factday", "oversight_hoursseen"):
        execute(f"DELETE FROM {table} WHERE district_id = %s", [district_id])


def refresh(district_id: int, first: date, last: date, limits: Thresholds) -> dict[str, int]:
    """Bring the facts of days first..last (and every covered day the feed names) up to date; returns what it did."""
    counting = counting_of(limits)
    state = _lock(district_id)
    params = counting.as_params()
    taken = readers.take(SUBSCRIBER, district_id)
    if state.params != params or taken.fresh:  # other settings, or changes unknown: nothing covered holds
        forget_all(district_id)
        state.params = params
    covered = dict(FactDay.objects.filter(district_id=district_id).values_list("day", "weekday"))
    changed = [c for c in taken.changes if c.day in covered]
    stale = {c.day for c in changed}
    whole = {c.day.replace(day=1) for c in changed if not c.added_only}
    stale |= {d for d in _days(first, last) if covered.get(d) != office_weekday(d)}
    windows = _hours_changed(district_id)
    if windows and covered:
        for a, b in day_runs([d for d in covered if d not in stale]):
            recount_windows(district_id, a, b, counting, _swapped(a, b))
    _recount(district_id, sorted(stale), set(covered), counting, whole)
    FactDay.objects.filter(district_id=district_id, day__in=stale).delete()
    FactDay.objects.bulk_create(
        [FactDay(district_id=district_id, day=d, weekday=office_weekday(d)) for d in sorted(stale)],
        batch_size=1000,
    )
    state.refreshed_at = timezone.now()
    state.save()
    return {"days": len(stale), "windows": windows}


def _recount(
    district_id: int,
    stale: list[date],
    covered: set[date],
    counting: Counting,
    whole: AbstractSet[date] = frozenset(),
) -> None:
    """Recount the stale days, then the month tables: the touched keys in months covered before (unless their rows
    were edited or removed: ``whole``), else every key."""
    if not stale:
        return
    covered_months = {d.replace(day=1) for d in covered} - whole
    months.start_touching()
    try:
        for a, b in day_runs(stale):
            recount_days(district_id, a, b, counting, _swapped(a, b))
            for table in months.TABLES:
                if a.replace(day=1) in covered_months:
                    months.touch(table, district_id, a, b)
        after = covered | set(stale)
        for month in sorted({d.replace(day=1) for d in stale}):
            spans = day_runs([d for d in after if d.replace(day=1) == month])
            for table in months.TABLES:
                months.recount(table, district_id, month, spans, every_key=month not in covered_months)
    finally:
        months.stop_touching()
    if q.is_postgres() and len(stale) > 3:  # many new rows: fresh statistics for the readers' plans
        for name in (*DAY_TABLES, *MONTH_TABLES):
            execute(f"ANALYZE {name}", [])


def rebuild(district_id: int) -> int:
    """Recount every covered day and month of the district from scratch; returns the days recounted."""
    days = sorted(FactDay.objects.filter(district_id=district_id).values_list("day", flat=True))
    state = _lock(district_id)
    counting = Counting(**{k: state.params[k] for k in ("grace", "lag", "burst")}) if state.params else None
    if counting is None or not days:
        return 0
    for table in (*DAY_TABLES, *MONTH_TABLES):
        execute(f"DELETE FROM {table} WHERE district_id = %s", [district_id])
    _recount(district_id, days, set(), counting)
    return len(days)


def facts_check(district_id: int, first: date, last: date, limits: Thresholds) -> list[str]:
    """Refresh days first..last as a comparison would, then recount everything covered from scratch: the tables
    whose rows differ (empty when the incremental facts equal a recount). Changes nothing (rolled back)."""
    differing: list[str] = []
    with transaction.atomic():
        tune_transaction()
        refresh(district_id, first, last, limits)
        for table, columns in FACT_COLUMNS.items():
            execute(f"DROP TABLE IF EXISTS ov_before_{table}", [])
            execute(
                f"CREATE TEMP TABLE ov_before_{table} AS SELECT {columns} FROM {table} WHERE district_id = %s",
                [district_id],
            )
        rebuild(district_id)
        for table, columns in FACT_COLUMNS.items():
            now = f"SELECT {columns} FROM {table} WHERE district_id = %s"
            before = f"SELECT {columns} FROM ov_before_{table}"
            count = rows(
                f"SELECT (SELECT COUNT(*) FROM ({now} EXCEPT {before}) a), "
                f"(SELECT COUNT(*) FROM ({before} EXCEPT {now}) b)",
                [district_id, district_id],
            )[0]
            if any(count):
                differing.append(table)
            execute(f"DROP TABLE IF EXISTS ov_before_{table}", [])
        transaction.set_rollback(True)
    return differing


def coverage(district_id: int, first: date, last: date) -> dict[date, list[date]]:
    """Per month of first..last: the covered days of that month (to tell whether a month table fits a period)."""
    out: dict[date, list[date]] = {}
    month = first.replace(day=1)
    while month <= last:
        out[month] = sorted(
            FactDay.objects.filter(
                district_id=district_id, day__gte=month, day__lte=months.month_end(month)
            ).values_list("day", flat=True)
        )
        month = months.month_end(month) + timedelta(days=1)
    return out


__all__: list[Any] = ["coverage", "facts_check", "rebuild", "refresh"]
