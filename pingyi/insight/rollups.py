"""Keeping the cubes equal to the raw rows: mark a (district, day) dirty, recompute dirty days, rebuild a range.

Incremental, not recomputed on page views: the worker's one-minute tick (``rollups_refresh``) looks at the ratings
and service records received since its last look (``received_at`` / ``entered_at``), marks their days dirty, and
recomputes each dirty day of each district from the raw rows. Rows of a transaction still open during a tick commit
later with earlier stamps: on PostgreSQL the watermark never passes the start of the oldest open transaction, and on
both databases each look reaches ``MARGIN`` further back. Changes that alter what a day counts without new rows (a
revocation) and imports of history mark their days explicitly. ``rollups_check`` compares any range with a fresh recount; the nightly job recomputes the
last week whatever happened, so nothing can stay wrong for long.
"""

# ruff: noqa: S608  (table names come from cubes.py)
from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from pingyi.insight import cubes, cumulative
from pingyi.insight.models import DirtyDay, RollupState
from pingyi.lib import sqlbits as q

log = logging.getLogger(__name__)
MARGIN = timedelta(minutes=10)  # longer than any single-rating transaction stays open


def rollups_mark_dirty(district_id: int, days: Iterable[date]) -> None:
    """Record that these local days of a district must be recomputed (idempotent).

    The existing mark is locked, so a tick that is recomputing the day (it deletes the mark first, holding it) makes
    this wait and then leaves a fresh mark for the next tick; a tick that comes later waits for this transaction."""
    for day in sorted(set(days)):
        if not DirtyDay.objects.select_for_update().filter(district_id=district_id, day=day).exists():
            DirtyDay.objects.get_or_create(district_id=district_id, day=day)


def _lock() -> RollupState:
    """The one row every recompute locks first, so two never interleave (a day counted twice)."""
    RollupState.objects.get_or_create(pk=1)
    return RollupState.objects.select_for_update().get(pk=1)


def _received_days(since: Any) -> set[tuple[int, date]]:
    """(district, local day) of every rating and record received at or after ``since``."""
    sql = (
        f"SELECT DISTINCT district_id, {q.local_day('rated_at')} FROM ratings_rating WHERE received_at >= %s "
        "UNION "
        f"SELECT DISTINCT district_id, {q.local_day('received_at')} FROM ledger_servicerecord WHERE entered_at >= %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [since, since])
        return {(int(d), q.as_date(day)) for d, day in cursor.fetchall()}


def _oldest_open_transaction() -> datetime | None:
    """When the oldest transaction still open on PostgreSQL began (its rows may yet commit with earlier stamps)."""
    if not q.is_postgres():
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min(xact_start) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND xact_start IS NOT NULL"
        )
        row = cursor.fetchone()
    return row[0] if row else None


def recompute(district_id: int, first: date, last: date) -> None:
    """Replace every cube's rows of a district for local days first..last with a recount."""
    cubes.fill_days(district_id, first, last)
    for cube in cubes.MONTH_CUBES:
        cubes.fill_months(cube, district_id, first, last)
    cumulative.fill(district_id, first, last)


@dataclass
class RefreshResult:
    days: list[tuple[int, date]] = field(default_factory=list)
    full: bool = False


def rollups_refresh(now: datetime | None = None) -> RefreshResult:
    """One tick: find newly received rows, recompute their days and every day marked dirty."""
    now = now or timezone.now()
    result = RefreshResult()
    with transaction.atomic():
        state = _lock()
        if state.watermark is None:
            result.full = True
            rollups_rebuild()
        else:
            for district_id, day in _received_days(q.ts(state.watermark - MARGIN)):
                DirtyDay.objects.get_or_create(district_id=district_id, day=day)
            earliest: dict[tuple[int, date], date] = {}  # (district, month): its first day recounted
            for dirty in list(DirtyDay.objects.order_by("district_id", "day")):
                # Take the mark before counting: a revocation marking the same day meanwhile waits, then marks anew.
                if not DirtyDay.objects.filter(pk=dirty.pk).delete()[0]:
                    continue
                cubes.fill_days(dirty.district_id, dirty.day, dirty.day)
                earliest.setdefault((dirty.district_id, cubes.month_start(dirty.day)), dirty.day)
                result.days.append((dirty.district_id, dirty.day))
            for (district_id, month), first in sorted(earliest.items()):  # each month once, however many days
                for cube in cubes.MONTH_CUBES:
                    cubes.fill_months(cube, district_id, month, month)
                cumulative.fill(district_id, first, cubes.month_end(month))
        oldest = _oldest_open_transaction()
        state.watermark = min(now, oldest) if oldest else now
        state.refreshed_at = timezone.now()
        state.save(update_fields=["watermark", "refreshed_at"])
    return result


def _span(table: str, column: str) -> list[tuple[int, date, date]]:
    day = q.local_day(column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT district_id, MIN({day}), MAX({day}) FROM {table} GROUP BY district_id")
        return [(int(d), q.as_date(lo), q.as_date(hi)) for d, lo, hi in cursor.fetchall() if lo is not None]


def rollups_rebuild(
    first: date | None = None, last: date | None = None, district_id: int | None = None
) -> int:
    """Recompute the cubes from scratch (every day with data, or first..last); returns the districts rebuilt."""
    from pingyi.catalog.models import District

    spans: dict[int, tuple[date, date]] = {}
    if first is not None and last is not None:  # the nightly job: no need to look for where the data lies
        ids = (
            [district_id] if district_id is not None else list(District.objects.values_list("pk", flat=True))
        )
        spans = {d: (first, last) for d in ids}
    else:
        for d, lo, hi in _span("ratings_rating", "rated_at") + _span("ledger_servicerecord", "received_at"):
            old = spans.get(d)
            spans[d] = (min(lo, old[0]), max(hi, old[1])) if old else (lo, hi)
        if district_id is not None:
            today = timezone.localdate()
            spans = {district_id: spans.get(district_id, (first or today, last or today))}
    with transaction.atomic():
        _lock()
        for d, (lo, hi) in spans.items():
            start, end = first or lo, last or hi
            if first is None and last is None:
                for cube in cubes.ALL_CUBES:  # drop rows of days that no longer hold data
                    with connection.cursor() as cursor:
                        cursor.execute(f"DELETE FROM {cube.table} WHERE district_id = %s", [d])
            recompute(d, start, end)
            DirtyDay.objects.filter(district_id=d, day__gte=start, day__lte=end).delete()
        if q.is_postgres():  # fresh statistics: the month-to-date recount joins the day cube by unit and day
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {', '.join(cube.table for cube in cubes.ALL_CUBES)}")
    log.info("rollups rebuilt for %d district(s)", len(spans))
    return len(spans)


def _snapshot(cube: cubes.Cube, district_id: int, first: date, last: date) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cols = [str(f.column) for f in cube.model._meta.concrete_fields if f.column != "id"]
        cursor.execute(
            f"SELECT {', '.join(cols)} FROM {cube.table} WHERE district_id = %s AND day >= %s AND day <= %s",
            [district_id, first, last],
        )
        return sorted((tuple(str(v) for v in row) for row in cursor.fetchall()), key=str)


def rollups_check(district_id: int, first: date, last: date) -> list[str]:
    """The cubes whose rows for the range differ from a fresh recount (empty when all agree). Changes nothing."""
    differing = []
    with transaction.atomic():  # a savepoint when already inside a transaction: rolled back either way
        _lock()
        before = {c.table: _snapshot(c, district_id, first, last) for c in cubes.ALL_CUBES}
        recompute(district_id, first, last)
        for cube in cubes.ALL_CUBES:
            if _snapshot(cube, district_id, first, last) != before[cube.table]:
                differing.append(cube.table)
        transaction.set_rollback(True)
    return differing


def rollups_window_moved(window_id: int) -> None:
    """A window changed hall: every day it has ratings or records counts under another hall now."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT r.district_id, {q.local_day('r.rated_at')} FROM ratings_rating r "
            "WHERE r.window_id = %s UNION "
            f"SELECT DISTINCT r.district_id, {q.local_day('r.received_at')} FROM ledger_servicerecord r "
            "WHERE r.window_id = %s",
            [window_id, window_id],
        )
        by_district: dict[int, set[date]] = {}
        for district_id, day in cursor.fetchall():
            by_district.setdefault(int(district_id), set()).add(q.as_date(day))
    for district_id, days in by_district.items():
        rollups_mark_dirty(district_id, days)
