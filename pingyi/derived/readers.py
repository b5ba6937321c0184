"""The readers' door: take the changes past a subscriber's cursor, in the reader's transaction.

``take`` locks the subscriber's cursor row (two readers of one cursor never interleave), reads the changes the
writers recorded since (``feed``) and the (district, day)s of the ratings and records added since (``tails``),
and advances the cursor: commit the recount and the cursor together, or neither. On PostgreSQL ids can commit out
of order, so the cursor only advances to the largest ids of a look taken before the oldest other open transaction
began (``Cursor.looks``); a change seen twice is recounted twice, which is harmless (every reader recounts, never
adds deltas). A cursor that never took changes is ``fresh``: its reader rebuilds from the raw rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from pingyi.derived import tails
from pingyi.derived.choices import Source
from pingyi.derived.models import Change, Cursor
from pingyi.derived.registry import subscriber as registered
from pingyi.lib import sqlbits as q

MAX_LOOKS = 50
EVERY_DISTRICT = 0


@dataclass(frozen=True, order=True)
class DayChange:
    district_id: int
    day: date
    source: Source
    added_only: bool


@dataclass
class Taken:
    fresh: bool  # the cursor had never taken changes: rebuild from scratch
    changes: list[DayChange] = field(default_factory=list)

    def days(self) -> set[tuple[int, date]]:
        return {(c.district_id, c.day) for c in self.changes}


def _cursor_key(name: str, district_id: int | None) -> int:
    per_district = registered(name).per_district
    if per_district and district_id is None:
        raise ValueError(f"subscriber {name!r} reads one district at a time: name the district")
    if not per_district and district_id is not None:
        raise ValueError(f"subscriber {name!r} reads every district together")
    return district_id if district_id is not None else EVERY_DISTRICT


def hold(name: str, district_id: int | None = None) -> Cursor:
    """The subscriber's cursor, locked until the transaction ends (created unread when missing)."""
    key = _cursor_key(name, district_id)
    with transaction.atomic():  # a savepoint inside the reader's transaction; its own transaction outside one
        Cursor.objects.get_or_create(subscriber=name, district_id=key)
        return Cursor.objects.select_for_update().get(subscriber=name, district_id=key)


def _look() -> tuple[list[Any], datetime | None]:
    """[time, max change id, max rating id, max record id] and the start of the oldest other open transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM derived_change")
        row = cursor.fetchone()
    ids = tails.max_ids()
    look: list[Any] = [None, int(row[0]) if row else 0, ids["rating_id"], ids["record_id"]]
    if not q.is_postgres():
        look[0] = timezone.now().isoformat()
        return look, None
    # Read after the ids: a transaction holding a smaller id began before this moment.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT clock_timestamp(), (SELECT MIN(xact_start) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL)"
        )
        now, oldest = cursor.fetchone() or (timezone.now(), None)
    look[0] = now.isoformat()
    return look, oldest


def _advance(cursor: Cursor, look: list[Any], oldest: datetime | None) -> None:
    looks = [*cursor.looks, look]
    usable = [seen for seen in looks if oldest is None or datetime.fromisoformat(seen[0]) < oldest]
    if usable:
        _, change_id, rating_id, record_id = usable[-1]
        cursor.change_id = max(cursor.change_id, int(change_id))
        cursor.rating_id = max(cursor.rating_id, int(rating_id))
        cursor.record_id = max(cursor.record_id, int(record_id))
        looks = looks[len(usable) :]
    cursor.looks = looks[-MAX_LOOKS:]


def take(name: str, district_id: int | None = None) -> Taken:
    """The changes of the subscriber's sources past its cursor (of one district for a per-district subscriber),
    and the cursor advanced; call it inside the transaction that recounts them."""
    with transaction.atomic():  # outside a reader's transaction: the cursor advances on its own
        return _take(name, district_id)


def _take(name: str, district_id: int | None) -> Taken:
    sources = registered(name).sources
    cursor = hold(name, district_id)
    look, oldest = _look()
    taken = Taken(fresh=cursor.taken_at is None)
    if not taken.fresh:
        written = Change.objects.filter(id__gt=cursor.change_id, source__in=sorted(sources))
        if district_id is not None:
            written = written.filter(district_id=district_id)
        found = {
            DayChange(d, day, Source(source), added_only)
            for d, day, source, added_only in written.values_list(
                "district_id", "day", "source", "added_only"
            )
        }
        for tail in tails.TAILS:
            if tail.source in sources:
                position = getattr(cursor, tail.position)
                found |= {
                    DayChange(d, day, tail.source, True)
                    for d, day in tails.days_after(tail, position, district_id)
                }
        taken.changes = sorted(found)
    _advance(cursor, look, oldest)
    cursor.taken_at = timezone.now()
    cursor.save()
    return taken


def taken_at(name: str, district_id: int | None = None) -> datetime | None:
    """When the subscriber last took changes (None: never)."""
    key = _cursor_key(name, district_id)
    return Cursor.objects.filter(subscriber=name, district_id=key).values_list("taken_at", flat=True).first()


def prune() -> int:
    """Delete the changes every cursor that took changes has read; returns how many."""
    read = Cursor.objects.exclude(taken_at=None).values_list("change_id", flat=True)
    if not read:
        return 0
    return Change.objects.filter(id__lte=min(read)).delete()[0]
