"""A database with the bookkeeping from before the feed (the rollups' dirty days and watermark, the facts' ids and
looks) keeps it when it migrates: the pending days are still recounted, nothing read before is read as new."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from pingyi.derived import readers
from pingyi.derived.choices import Source
from pingyi.derived.models import Cursor
from pingyi.ratings.models import Rating

TZ = ZoneInfo("Asia/Shanghai")
BEFORE = [("insight", "0002_wide_cubes"), ("oversight", "0005_drop_seen_days"), ("derived", None)]


def _migrate(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    MigrationExecutor(connection).migrate(targets)
    return MigrationExecutor(connection)


def _rate(world: Any, day: date, received: datetime) -> Rating:
    return Rating.objects.create(
        district=world.district, unit=world.unit_a, channel="qr", scale="five", level=5, level5=5,
        negative=False, rated_at=datetime.combine(day, time(10), tzinfo=TZ), received_at=received,
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_the_old_bookkeeping_becomes_cursors_and_changes(world: Any) -> None:
    now = timezone.now()
    old_rating = _rate(world, date(2026, 3, 1), now - timedelta(hours=2))  # read by both before the upgrade
    recent = _rate(world, date(2026, 3, 2), now - timedelta(minutes=5))  # within the rollups' margin
    d = world.district.pk
    try:
        old = _migrate(BEFORE).loader.project_state([n for n in BEFORE if n[1]]).apps
        old.get_model("insight", "DirtyDay").objects.create(district_id=d, day=date(2026, 2, 14))
        old.get_model("insight", "RollupState").objects.create(pk=1, watermark=now, refreshed_at=now)
        old.get_model("oversight", "FactState").objects.create(
            district_id=d,
            rating_id=recent.pk,
            record_id=0,
            looks=[[now.isoformat(), recent.pk, 0]],
            params={"grace": 15, "lag": 24, "burst": 20},
            refreshed_at=now,
        )
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    insight = Cursor.objects.get(subscriber="insight.cubes")
    assert insight.rating_id == old_rating.pk  # the rating within the margin is read again
    facts = Cursor.objects.get(subscriber="oversight.facts", district_id=d)
    assert (facts.rating_id, facts.looks[0][2]) == (recent.pk, recent.pk)
    taken = readers.take("insight.cubes")
    assert not taken.fresh
    assert {(c.day, c.source) for c in taken.changes} == {
        (date(2026, 2, 14), Source.REPAIR),  # the pending dirty day
        (date(2026, 3, 2), Source.RATINGS),
    }
    taken = readers.take("oversight.facts", d)
    assert not taken.fresh and taken.changes == []  # the facts had read everything
