"""Edges the review found: two recomputes at once, a window moving hall, the last microsecond of a day, bad input."""

from __future__ import annotations

import threading
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.utils import timezone

from pingyi.catalog.services import catalog_object_save
from pingyi.insight import metrics
from pingyi.insight.cubes.rollups import rollups_check, rollups_rebuild, rollups_refresh
from pingyi.insight.metrics import Period, Scope
from pingyi.ratings.models import Rating
from pingyi.reports.tables import Where, previous_period

TZ = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 2, 28)


def rate(world: Any, when: datetime, *, window: Any = None, n: int = 1) -> None:
    window = window or world.window_a
    Rating.objects.bulk_create(
        Rating(
            district=world.district,
            unit=window.unit,
            window=window,
            channel="qr",
            scale="five",
            level=5,
            level5=5,
            negative=False,
            rated_at=when,
            received_at=timezone.now(),
        )  # fmt: skip
        for _ in range(n)
    )


def test_the_last_microsecond_of_a_local_day_belongs_to_that_day(world: Any) -> None:
    rate(world, datetime.combine(DAY, time(23, 59, 59, 999999), tzinfo=TZ))
    rate(world, datetime.combine(DAY + timedelta(days=1), time(0, 0), tzinfo=TZ))
    rollups_refresh()
    scope = Scope(world.district.pk)
    assert metrics.summary(scope, Period(DAY, DAY)).ratings == 1
    assert metrics.summary(scope, Period(DAY + timedelta(days=1), DAY + timedelta(days=1))).ratings == 1
    assert rollups_check(world.district.pk, DAY, DAY + timedelta(days=1)) == []


def test_a_window_moved_to_another_hall_moves_its_counts(world: Any) -> None:
    rate(world, datetime.combine(DAY, time(10), tzinfo=TZ), n=3)
    rollups_refresh()
    main, sub = Scope(world.district.pk, hall_id=world.sub_hall.pk), Period(DAY, DAY)
    assert metrics.summary(main, sub).ratings == 0
    window = world.window_a
    window.hall = world.sub_hall
    catalog_object_save(actor=world.users["root"], instance=window)
    rollups_refresh()
    assert metrics.summary(Scope(world.district.pk, hall_id=world.sub_hall.pk), Period(DAY, DAY)).ratings == 3
    assert rollups_check(world.district.pk, DAY, DAY) == []


@pytest.mark.django_db(transaction=True)
def test_two_recomputes_at_once_never_count_a_day_twice(world: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time; the race needs PostgreSQL")
    rate(world, datetime.combine(DAY, time(10), tzinfo=TZ), n=5)
    rollups_refresh()
    errors: list[BaseException] = []

    def rebuild() -> None:
        try:
            with transaction.atomic():
                rollups_rebuild(DAY, DAY)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=rebuild) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert metrics.summary(Scope(world.district.pk), Period(DAY, DAY)).ratings == 5


@pytest.mark.parametrize(
    "query",
    [
        "from=0001-01-01&to=0001-01-02",
        "from=9999-12-01&to=9999-12-31",
        "export=xlsx&from=0001-01-01",
        "unit=%C2%B2",
        "item=%E2%91%A0",
    ],
)
def test_odd_dates_and_digits_get_an_answer_not_a_crash(world: Any, query: str) -> None:
    response = world.client("inspector").get(f"/insight/?{query}")
    assert response.status_code in (200, 404)


@pytest.mark.parametrize("query", ["month=0001-01", "month=9999-12", "week=0001-01-01", "week=9999-12-31"])
def test_rankings_take_odd_months_and_weeks(world: Any, query: str) -> None:
    assert world.client("inspector").get(f"/insight/rankings/?{query}").status_code == 200


def test_bad_years_are_explained(world: Any) -> None:
    html = world.client("inspector").get("/insight/?from=0001-01-01").content.decode()
    assert "开始日期应在 2000 年至 2100 年之间：0001-01-01" in html


def test_rankings_are_the_inspectors_and_a_hall_manager_may_open_a_sub_centre(world: Any) -> None:
    assert world.client("unit_a").get("/insight/rankings/").status_code == 404
    assert world.client("hall_manager").get("/insight/rankings/").status_code == 404
    assert world.client("inspector").get("/insight/rankings/").status_code == 200
    manager = world.client("hall_manager")
    assert manager.get(f"/insight/?hall={world.sub_hall.pk}").status_code == 200
    assert world.client("sub_manager").get(f"/insight/?hall={world.hall.pk}").status_code == 404


def test_the_previous_period_of_an_export_has_the_same_length() -> None:
    for start, end in ((date(2026, 1, 15), date(2026, 3, 10)), (date(2026, 3, 31), date(2026, 4, 1))):
        before = previous_period(Where(1, None, start, end))
        assert before.end == start - timedelta(days=1)
        assert (before.end - before.start) == (end - start)
    year = previous_period(Where(1, None, date(2026, 1, 1), date(2026, 12, 31)))
    assert (year.start, year.end) == (date(2025, 1, 1), date(2025, 12, 31))
