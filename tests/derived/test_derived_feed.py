"""The change feed: a writer says which (district, day)s changed, each reader takes them once past its own cursor,
only of the sources it subscribed to (and of its district when it reads one at a time)."""

from __future__ import annotations

import ast
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from pingyi.derived import readers
from pingyi.derived.choices import Source
from pingyi.derived.feed import days_changed, window_changed
from pingyi.derived.models import Change
from pingyi.ledger.models import ServiceRecord
from pingyi.ratings.models import Rating

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 3, 2)
INSIGHT, OVERSIGHT = "insight.cubes", "oversight.facts"


def rate(world: Any, day: date, hour: int = 10, **extra: Any) -> Rating:
    when = datetime.combine(day, time(hour), tzinfo=TZ)
    return Rating.objects.create(
        district=world.district, unit=world.unit_a, window=world.window_a, channel="qr", scale="five", level=5,
        level5=5, negative=False, rated_at=when, received_at=when, **extra,
    )  # fmt: skip


def seen(taken: readers.Taken) -> set[tuple[int, date, str]]:
    return {(c.district_id, c.day, c.source) for c in taken.changes}


def test_a_reader_takes_each_change_once_new_rows_included(world: Any) -> None:
    d = world.district.pk
    assert readers.take(INSIGHT).fresh  # never taken: the reader rebuilds from scratch
    days_changed(d, [DAY, DAY], source=Source.TICKETS)
    rate(world, date(2026, 3, 5), hour=1)  # 01:00 local is the previous day in UTC: counted on its local day
    ServiceRecord.objects.create(
        district=world.district, unit=world.unit_a, window=world.window_a, record_no="FEED-1",
        received_at=datetime.combine(date(2026, 3, 6), time(9), tzinfo=TZ), source="upload",
    )  # fmt: skip
    taken = readers.take(INSIGHT)
    assert not taken.fresh
    assert seen(taken) == {
        (d, DAY, Source.TICKETS),
        (d, date(2026, 3, 5), Source.RATINGS),
        (d, date(2026, 3, 6), Source.LEDGER),
    }
    assert readers.take(INSIGHT).changes == []  # nothing new: nothing to recount
    assert readers.taken_at(INSIGHT) is not None


def test_a_per_district_reader_sees_its_district_and_its_sources_only(world: Any) -> None:
    d, other = world.district.pk, world.other_district.pk
    readers.take(OVERSIGHT, d)
    days_changed(d, [DAY], source=Source.TICKETS)  # a revocation: the facts read none
    days_changed(d, [DAY], source=Source.CATALOG)  # a window moved hall: the facts key on no hall
    days_changed(other, [DAY], source=Source.LEDGER)
    days_changed(d, [date(2026, 3, 3)], source=Source.LEDGER)  # rows removed
    days_changed(d, [date(2026, 3, 4)], source=Source.RATINGS, added_only=True)  # an import
    taken = readers.take(OVERSIGHT, d)
    assert [(c.day, c.source, c.added_only) for c in taken.changes] == [
        (date(2026, 3, 3), Source.LEDGER, False),
        (date(2026, 3, 4), Source.RATINGS, True),
    ]
    assert readers.take(OVERSIGHT, other).fresh  # another district's cursor is its own
    with pytest.raises(ValueError):
        readers.take(OVERSIGHT)
    with pytest.raises(ValueError):
        readers.take(INSIGHT, d)
    with pytest.raises(LookupError):
        readers.take("nobody")


def test_a_moved_window_changes_every_day_it_has_rows(world: Any) -> None:
    rate(world, DAY)
    rate(world, date(2026, 3, 9))
    rate(world, date(2026, 3, 9), hour=15)
    window_changed(world.window_a.pk)
    assert sorted(Change.objects.values_list("district_id", "day", "source")) == [
        (world.district.pk, DAY, Source.CATALOG),
        (world.district.pk, date(2026, 3, 9), Source.CATALOG),
    ]


def test_prune_keeps_what_a_cursor_has_not_read(world: Any) -> None:
    d = world.district.pk
    readers.take(INSIGHT)
    readers.take(OVERSIGHT, d)
    days_changed(d, [DAY], source=Source.RATINGS)
    readers.take(INSIGHT)
    assert readers.prune() == 0  # the facts' cursor has not read it
    readers.take(OVERSIGHT, d)
    assert readers.prune() == 1
    assert not Change.objects.exists()


def test_the_nightly_prune_is_scheduled_once(world: Any) -> None:
    from django_q.models import Schedule

    from pingyi.derived.tasks import PRUNE_SCHEDULE, ensure_schedules, prune

    ensure_schedules()
    ensure_schedules()
    assert Schedule.objects.filter(name=PRUNE_SCHEDULE, schedule_type=Schedule.DAILY).count() == 1
    readers.take(INSIGHT)
    days_changed(world.district.pk, [DAY], source=Source.TICKETS)
    readers.take(INSIGHT)
    assert prune() == "pruned=1"


WRITERS = ("ratings", "ledger", "tickets", "catalog", "derived")
READERS = ("pingyi.insight", "pingyi.oversight")


def test_no_writer_imports_a_reader() -> None:
    root = Path(__file__).resolve().parents[2] / "pingyi"
    offenders = []
    for app in WRITERS:
        for path in (root / app).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                if any(n == r or n.startswith(r + ".") for n in names for r in READERS):
                    offenders.append(str(path.relative_to(root)))
    assert offenders == []
