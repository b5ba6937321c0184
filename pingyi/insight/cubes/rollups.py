"""Keeping the cubes equal to the raw rows: recount the days the change feed names, rebuild a range.

Incremental, not recomputed on page views: the worker's one-minute tick (``rollups_refresh``) takes the changes past
the cubes' cursor in the feed (``pingyi.derived``, decision 0026) — the days of every rating and service record
added since, and every day a writer said changed (a revocation, a window moved to another hall, an import) — and
recomputes each such day of each district from the raw rows, in the transaction that advances the cursor.
``rollups_check`` compares any range with a fresh recount; the nightly job recomputes the last week whatever
happened, so nothing can stay wrong for long.
"""

# ruff: noqa: S608  (table names come from grains)
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from pingyi.derived import readers
from pingyi.insight.cubes import cumulative, grains, recount
from pingyi.lib import sqlbits as q

log = logging.getLogger(__name__)
SUBSCRIBER = "insight.cubes"  # subscribed in InsightConfig.ready to every source


def _lock() -> None:
    """The cubes' cursor row, which every recompute locks first, so two never interleave (a day counted twice)."""
    readers.hold(SUBSCRIBER)


def recompute(district_id: int, first: date, last: date) -> None:
    """Replace every cube's rows of a district for local days first..last with a recount."""
    recount.fill_days(district_id, first, last)
    for cube in grains.MONTH_CUBES:
        recount.fill_months(cube, district_id, first, last)
    cumulative.fill(district_id, first, last)


@dataclass
class RefreshResult:
    days: list[tuple[int, date]] = field(default_factory=list)
    full: bool = False


def rollups_refresh() -> RefreshResult:
    """One tick: recompute every day the feed says changed since the last tick (everything on the first)."""
    result = RefreshResult()
    with transaction.atomic():
        taken = readers.take(SUBSCRIBER)
        if taken.fresh:
            result.full = True
            rollups_rebuild()
            return result
        earliest: dict[tuple[int, date], date] = {}  # (district, month): its first day recounted
        for district_id, day in sorted(taken.days()):
            recount.fill_days(district_id, day, day)
            earliest.setdefault((district_id, grains.month_start(day)), day)
            result.days.append((district_id, day))
        for (district_id, month), first in sorted(earliest.items()):  # each month once, however many days
            for cube in grains.MONTH_CUBES:
                recount.fill_months(cube, district_id, month, month)
            cumulative.fill(district_id, first, grains.month_end(month))
    return result


def refreshed_at() -> datetime | None:
    """When the tick last took the feed's changes (None: the cubes were never refreshed)."""
    return readers.taken_at(SUBSCRIBER)


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
                for cube in grains.ALL_CUBES:  # drop rows of days that no longer hold data
                    with connection.cursor() as cursor:
                        cursor.execute(f"DELETE FROM {cube.table} WHERE district_id = %s", [d])
            recompute(d, start, end)
        if q.is_postgres():  # fresh statistics: the month-to-date recount joins the day cube by unit and day
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {', '.join(cube.table for cube in grains.ALL_CUBES)}")
    log.info("rollups rebuilt for %d district(s)", len(spans))
    return len(spans)


def _snapshot(cube: grains.Cube, district_id: int, first: date, last: date) -> list[tuple[Any, ...]]:
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
        before = {c.table: _snapshot(c, district_id, first, last) for c in grains.ALL_CUBES}
        recompute(district_id, first, last)
        for cube in grains.ALL_CUBES:
            if _snapshot(cube, district_id, first, last) != before[cube.table]:
                differing.append(cube.table)
        transaction.set_rollback(True)
    return differing
