"""The cubes always equal a recount from the raw rows: random data on both databases, increments, revocations."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from pingyi.accounts.scopes import hall_subtree_ids
from pingyi.derived.choices import Source
from pingyi.derived.feed import days_changed
from pingyi.derived.models import Cursor
from pingyi.insight import metrics
from pingyi.insight.cubes.rollups import rollups_check, rollups_rebuild, rollups_refresh
from pingyi.insight.metrics import Period, Scope
from pingyi.insight.models import DayUnit
from pingyi.ledger.models import ServiceRecord
from pingyi.ratings.models import Rating
from pingyi.tickets.models import Ticket

TZ = ZoneInfo("Asia/Shanghai")
FIRST = date(2026, 3, 1)
CHANNELS = ("qr", "sms", "pad", "hotline", "default")


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TZ)


def plant(
    world: Any, rng: random.Random, n: int, days: int = 40, *, received: datetime | None = None
) -> None:
    places = [
        (world.unit_a, world.window_a, world.staff_a, world.item_a),
        (world.unit_a, world.window_a, None, None),
        (world.unit_b, world.window_b, world.staff_b, world.item_b),
        (world.unit_b, None, None, None),  # a hotline complaint names only the unit
        (world.unit_sub, world.window_sub, None, None),
    ]
    records, ratings = [], []
    for i in range(n):
        unit, window, staff, item = rng.choice(places)
        # Hours 0..23 local: the small hours are the previous UTC day, which the cubes must not confuse.
        when = local(FIRST + timedelta(days=rng.randrange(days)), rng.randrange(24), rng.randrange(60))
        channel = rng.choice(CHANNELS)
        level5 = rng.choice((5, 5, 5, 4, 3, 2, 1))
        records.append(
            ServiceRecord(
                district=world.district,
                unit=unit,
                window=window,
                staff=staff,
                item=item,
                record_no=f"R{rng.random()}"[:30] + str(i),
                received_at=when,
                source="upload",
            )  # fmt: skip
        )
        ratings.append(
            Rating(
                district=world.district,
                unit=unit,
                window=window,
                staff=staff,
                item=item,
                channel=channel,
                scale="five",
                level=level5,
                level5=level5,
                negative=level5 <= 2,
                is_default=channel == "default",
                rated_at=when + timedelta(minutes=3),
                received_at=received or when + timedelta(minutes=3),
            )  # fmt: skip
        )
    ServiceRecord.objects.bulk_create(records[: n // 2])
    created = Rating.objects.bulk_create(ratings)
    negatives = [r for r in created if r.negative and not r.is_default]
    for k, rating in enumerate(negatives[: max(1, len(negatives) // 4)]):
        Ticket.objects.create(
            tracking_code=f"T{rating.pk:09d}{k}"[:12], district=world.district, unit=rating.unit,
            window=rating.window, staff=rating.staff, rating=rating, source="rating", summary="差评",
            revoked=k % 2 == 0,
        )  # fmt: skip


def raw_filter(scope: Scope, period: Period) -> dict[str, Any]:
    lo = datetime.combine(period.start, time.min, tzinfo=TZ)
    hi = datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=TZ)
    where: dict[str, Any] = {"district_id": scope.district_id}
    if scope.hall_id:
        where["window__hall_id__in"] = hall_subtree_ids(scope.hall_id)
    for dim in ("unit", "window", "staff"):
        if getattr(scope, f"{dim}_id"):
            where[f"{dim}_id"] = getattr(scope, f"{dim}_id")
    if period.item_id:
        where["item_id"] = period.item_id
    return {**where, "_lo": lo, "_hi": hi}


def recount(scope: Scope, period: Period) -> dict[str, int]:
    """An independent recount with plain ORM filters on the raw tables."""
    where = raw_filter(scope, period)
    lo, hi = where.pop("_lo"), where.pop("_hi")
    ratings = Rating.objects.filter(rated_at__gte=lo, rated_at__lt=hi, **where)
    if period.channels:
        ratings = ratings.filter(channel__in=period.channels)
    active = ratings.filter(is_default=False)
    return {
        "ratings": ratings.count(),
        "active": active.count(),
        "default": ratings.filter(is_default=True).count(),
        "satisfied": active.filter(negative=False).count(),
        "negative": active.filter(negative=True).count(),
        "revoked": active.filter(negative=True, ticket__revoked=True).count(),
        "records": ServiceRecord.objects.filter(received_at__gte=lo, received_at__lt=hi, **where).count(),
        **{f"l{k}": active.filter(level5=k).count() for k in range(1, 6)},
    }


def measured(scope: Scope, period: Period) -> dict[str, int]:
    s = metrics.summary(scope, period)
    fields = ("ratings", "active", "default", "satisfied", "negative", "revoked", "records")
    return {**{f: getattr(s, f) for f in fields}, **{f"l{k}": s.levels[k] for k in range(1, 6)}}


def scopes(world: Any) -> list[Scope]:
    d = world.district.pk
    return [
        Scope(d),
        Scope(d, hall_id=world.hall.pk),
        Scope(d, hall_id=world.sub_hall.pk),
        Scope(d, unit_id=world.unit_a.pk),
        Scope(d, unit_id=world.unit_b.pk),
        Scope(d, window_id=world.window_a.pk),
        Scope(d, staff_id=world.staff_a.pk),
        Scope(d, hall_id=world.hall.pk, unit_id=world.unit_b.pk),
    ]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_scope_and_period_equals_a_recount(world: Any, seed: int) -> None:
    rng = random.Random(seed)
    plant(world, rng, 400)
    rollups_refresh()
    periods = [
        Period(FIRST, FIRST + timedelta(days=39)),
        Period(FIRST + timedelta(days=3), FIRST + timedelta(days=3)),
        Period(FIRST + timedelta(days=5), FIRST + timedelta(days=20), channels=("qr", "sms")),
        Period(FIRST, FIRST + timedelta(days=39), item_id=world.item_a.pk),
        Period(
            FIRST + rng.randrange(20) * timedelta(days=1), FIRST + timedelta(days=30), channels=("hotline",)
        ),
    ]
    for scope in scopes(world):
        for period in periods:
            assert measured(scope, period) == recount(scope, period), (scope, period)


def test_breakdowns_and_trend_add_up_to_the_recount(world: Any) -> None:
    plant(world, random.Random(7), 300)
    rollups_refresh()
    scope, period = Scope(world.district.pk), Period(FIRST, FIRST + timedelta(days=39))
    units = {row.key: row for row in metrics.breakdown(scope, period, "unit")}
    for unit in (world.unit_a, world.unit_b, world.unit_sub):
        expected = recount(Scope(world.district.pk, unit_id=unit.pk), period)
        assert units[unit.pk].summary.ratings == expected["ratings"]
        assert units[unit.pk].summary.records == expected["records"]
        assert units[unit.pk].label == unit.name
    by_channel = {row.key: row.summary.ratings for row in metrics.breakdown(scope, period, "channel")}
    assert by_channel == {
        c: recount(scope, Period(period.start, period.end, channels=(c,)))["ratings"] for c in by_channel
    }
    by_level = {row.key: row.summary for row in metrics.breakdown(scope, period, "level")}
    total = recount(scope, period)
    assert {k: s.active for k, s in by_level.items() if k} == {k: total[f"l{k}"] for k in range(1, 6)}
    assert by_level[0].ratings == by_level[0].default == total["default"]  # default ratings: level 0
    assert sum(s.ratings for s in by_level.values()) == total["ratings"]
    days = metrics.trend(scope, period)
    assert sum(s.ratings for _, s in days) == total["ratings"]
    for day, s in days[:5]:
        assert s.ratings == recount(scope, Period(day, day))["ratings"]
    months = metrics.trend(scope, period, step="month")
    assert [m for m, _ in months] == [date(2026, 3, 1), date(2026, 4, 1)]
    assert sum(s.records for _, s in months) == total["records"]


def test_heatmap_counts_active_ratings_by_local_weekday_and_hour(world: Any) -> None:
    monday = date(2026, 3, 2)
    plant_one = [local(monday, 0, 10), local(monday, 0, 50), local(monday + timedelta(days=6), 23, 59)]
    for when in plant_one:
        Rating.objects.create(
            district=world.district, unit=world.unit_a, window=world.window_a, channel="qr", scale="five",
            level=5, level5=5, negative=False, rated_at=when, received_at=when,
        )  # fmt: skip
    rollups_refresh()
    grid = metrics.heatmap(Scope(world.district.pk), Period(monday, monday + timedelta(days=6)))
    assert grid[0][0] == 2  # Monday 00:xx local (Sunday 16:xx UTC)
    assert grid[6][23] == 1
    assert sum(map(sum, grid)) == 3


def test_a_refresh_counts_only_what_arrived_since_and_history_arriving_late(world: Any) -> None:
    plant(world, random.Random(11), 100, days=10)
    later = timezone.now() + timedelta(hours=1)  # the ticks run later than the rows were stored
    first = rollups_refresh()
    assert first.full
    scope, period = Scope(world.district.pk), Period(FIRST, FIRST + timedelta(days=60))
    assert measured(scope, period) == recount(scope, period)
    assert rollups_refresh().days == []  # nothing new: nothing recomputed
    # An import of old ratings arrives: only their days are recomputed.
    plant(world, random.Random(12), 30, days=3, received=later + timedelta(minutes=2))
    second = rollups_refresh()
    assert second.days and not second.full
    assert {day for _, day in second.days} <= {FIRST + timedelta(days=k) for k in range(3)}
    assert measured(scope, period) == recount(scope, period)


def test_a_revocation_marked_dirty_moves_the_verified_rate(world: Any) -> None:
    when = local(FIRST, 10)
    rating = Rating.objects.create(
        district=world.district, unit=world.unit_a, window=world.window_a, channel="qr", scale="five",
        level=1, level5=1, negative=True, rated_at=when, received_at=when,
    )  # fmt: skip
    Rating.objects.create(
        district=world.district, unit=world.unit_a, window=world.window_a, channel="qr", scale="five",
        level=5, level5=5, negative=False, rated_at=when, received_at=when,
    )  # fmt: skip
    ticket = Ticket.objects.create(
        tracking_code="TREVOKE00001", district=world.district, unit=world.unit_a, rating=rating,
        source="rating", summary="差评",
    )  # fmt: skip
    rollups_refresh()
    scope, period = Scope(world.district.pk), Period(FIRST, FIRST)
    assert metrics.summary(scope, period).verified_satisfaction == 0.5
    Ticket.objects.filter(pk=ticket.pk).update(revoked=True)
    days_changed(world.district.pk, [FIRST], source=Source.TICKETS)
    rollups_refresh()
    after = metrics.summary(scope, period)
    assert after.satisfaction == 0.5 and after.verified_satisfaction == 1.0 and after.revoked == 1


def test_check_finds_a_tampered_cube_and_rebuild_repairs_it(world: Any) -> None:
    plant(world, random.Random(5), 80, days=5)
    rollups_refresh()
    last = FIRST + timedelta(days=4)
    assert rollups_check(world.district.pk, FIRST, last) == []
    row = DayUnit.objects.filter(district=world.district).first()
    assert row is not None
    DayUnit.objects.filter(pk=row.pk).update(n=row.n + 1)
    assert rollups_check(world.district.pk, FIRST, last) == [DayUnit._meta.db_table]
    call_command("rollups", "rebuild")
    assert rollups_check(world.district.pk, FIRST, last) == []
    assert Cursor.objects.count() <= 1


def test_rebuild_command_and_check_command_report_in_chinese(world: Any, capsys: Any) -> None:
    plant(world, random.Random(6), 20, days=2)
    call_command("rollups", "rebuild")
    out = capsys.readouterr().out
    assert "已重算" in out
    call_command("rollups", "check", "--from", str(FIRST), "--to", str(FIRST + timedelta(days=1)))
    assert "一致" in capsys.readouterr().out
    assert connection.vendor in ("sqlite", "postgresql")


def test_scope_for_each_role(world: Any) -> None:
    users = world.users
    assert Scope.for_user(users["inspector"]) == Scope(world.district.pk)
    assert Scope.for_user(users["hall_manager"]) == Scope(world.district.pk, hall_id=world.hall.pk)
    assert Scope.for_user(users["unit_a"]) == Scope(world.district.pk, unit_id=world.unit_a.pk)
    assert Scope.for_user(users["clerk"]) == Scope(world.district.pk, staff_id=world.staff_a.pk)
    assert Scope.for_user(users["operator"]) is None
    assert Scope.for_user(users["outsider"]) == Scope(world.other_district.pk)
    rollups_rebuild()


def test_a_window_or_staff_member_read_from_the_raw_rows_equals_the_recount(world: Any) -> None:
    """An item at one staff member and a window's heatmap have no cube: they are read from the raw rows."""
    plant(world, random.Random(9), 300)
    rollups_refresh()
    d, period = world.district.pk, Period(FIRST, FIRST + timedelta(days=39))
    staff = Scope(d, staff_id=world.staff_a.pk)
    by_item = {row.key: row.summary for row in metrics.breakdown(staff, period, "item")}
    expected = recount(staff, Period(period.start, period.end, item_id=world.item_a.pk))
    assert by_item[world.item_a.pk].ratings == expected["ratings"] > 0
    assert by_item[world.item_a.pk].records == expected["records"] > 0
    assert by_item[world.item_a.pk].negative == expected["negative"]
    window = Scope(d, window_id=world.window_a.pk)
    grid = metrics.heatmap(window, period)
    where = raw_filter(window, period)
    lo, hi = where.pop("_lo"), where.pop("_hi")
    expected_grid = [[0] * 24 for _ in range(7)]
    for when in Rating.objects.filter(
        rated_at__gte=lo, rated_at__lt=hi, is_default=False, **where
    ).values_list("rated_at", flat=True):
        local_time = when.astimezone(TZ)
        expected_grid[local_time.weekday()][local_time.hour] += 1
    assert grid == expected_grid and sum(map(sum, grid)) > 0


def test_spans_inside_a_month_stay_right_when_an_earlier_day_changes(world: Any) -> None:
    """A span inside a month is read as two month-to-date rows per unit; a late rating of an earlier day must move
    every later month-to-date row, and a day with nothing new must not be counted twice."""
    plant(world, random.Random(21), 200, days=20)
    later = timezone.now() + timedelta(hours=1)
    rollups_refresh()
    d = world.district.pk
    spans = [
        (FIRST + timedelta(days=a), FIRST + timedelta(days=b)) for a, b in ((2, 9), (0, 19), (5, 5), (12, 25))
    ]

    def by_unit(first: date, last: date) -> dict[Any, tuple[int, int, int]]:
        rows = metrics.breakdown(Scope(d), Period(first, last), "unit")
        return {r.key: (r.summary.ratings, r.summary.negative, r.summary.records) for r in rows}

    def expected(first: date, last: date) -> dict[Any, tuple[int, int, int]]:
        out = {}
        for unit in (world.unit_a, world.unit_b, world.unit_sub):
            c = recount(Scope(d, unit_id=unit.pk), Period(first, last))
            if c["ratings"] or c["records"]:
                out[unit.pk] = (c["ratings"], c["negative"], c["records"])
        return out

    for first, last in spans:
        assert by_unit(first, last) == expected(first, last), (first, last)
    # A late 差评 of day 4 arrives: every month-to-date row from day 4 on must include it.
    Rating.objects.create(
        district=world.district, unit=world.unit_b, window=world.window_b, channel="qr", scale="five", level=1,
        level5=1, negative=True, rated_at=local(FIRST + timedelta(days=4), 10), received_at=later + timedelta(minutes=5),
    )  # fmt: skip
    rollups_refresh()
    for first, last in spans:
        assert by_unit(first, last) == expected(first, last), (first, last)
