"""Rankings from the cubes: order, month-on-month change, the minimum sample, 十差 and the composite score."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from pingyi.insight.cubes.rollups import rollups_refresh
from pingyi.insight.rankings import composite, shicha, unit_ranking, window_ranking
from pingyi.ratings.models import Rating
from pingyi.tickets.choices import State
from pingyi.tickets.models import Ticket

TZ = ZoneInfo("Asia/Shanghai")


def rate(world: Any, unit: Any, day: date, levels: list[int], channel: str = "qr") -> list[Rating]:
    window = {world.unit_a.pk: world.window_a, world.unit_b.pk: world.window_b}.get(unit.pk, world.window_sub)
    when = datetime.combine(day, time(10), tzinfo=TZ)
    return Rating.objects.bulk_create(
        Rating(
            district=world.district,
            unit=unit,
            window=window,
            channel=channel,
            scale="five",
            level=lv,
            level5=lv,
            negative=lv <= 2,
            rated_at=when,
            received_at=timezone.now(),
        )  # fmt: skip
        for lv in levels
    )


@pytest.fixture
def months(world: Any, settings: Any) -> Any:
    settings.PINGYI_RANKING_MIN_SAMPLE = 10
    # October: A 90 %, B 100 %; November: A 100 %, B 80 %, the sub-centre's unit only 3 ratings (unranked).
    rate(world, world.unit_a, date(2026, 10, 5), [5] * 9 + [1])
    rate(world, world.unit_b, date(2026, 10, 6), [5] * 10)
    rate(world, world.unit_a, date(2026, 11, 3), [5] * 20)
    rate(world, world.unit_b, date(2026, 11, 4), [5] * 8 + [1, 2])
    rate(world, world.unit_sub, date(2026, 11, 5), [5, 5, 5])
    rollups_refresh()
    return world


def test_units_ranked_by_satisfaction_with_last_months_change(months: Any) -> None:
    world = months
    rows = unit_ranking(world.district.pk, date(2026, 11, 1))
    assert [(r.label, r.rank, r.score) for r in rows] == [
        ("区市场监管局", 1, 100.0),
        ("区城管局", 2, 80.0),
        ("沌口市场监管所", None, 100.0),  # three ratings: listed, not ranked
    ]
    a, b = rows[0], rows[1]
    assert (a.previous_rank, a.previous_score, a.change) == (2, 90.0, 10.0)
    assert (b.previous_rank, b.previous_score, b.change) == (1, 100.0, -20.0)
    windows = window_ranking(world.district.pk, date(2026, 11, 1))
    assert [r.key for r in windows if r.rank] == [world.window_a.pk, world.window_b.pk]


def test_shicha_lists_units_with_most_negatives_of_the_week(months: Any) -> None:
    world = months
    rate(world, world.unit_a, date(2026, 11, 5), [1])
    rollups_refresh()
    rows = shicha(world.district.pk, date(2026, 11, 4))  # any day of the week: Monday 2 Nov .. Sunday 8 Nov
    assert [(r.rank, r.label, r.score) for r in rows] == [(1, "区城管局", 2.0), (2, "区市场监管局", 1.0)]
    assert rows[0].previous_score == 0.0 and rows[0].change == 2.0
    assert shicha(world.district.pk, date(2026, 11, 16)) == []


def test_composite_weights_parts_and_leaves_out_a_part_without_data(months: Any, settings: Any) -> None:
    world = months
    rate(world, world.unit_b, date(2026, 11, 10), [5, 1], channel="message_board")
    now = datetime(2026, 11, 10, 9, tzinfo=TZ)
    for k, on_time in enumerate([True, False]):
        Ticket.objects.create(
            tracking_code=f"TC{k:010d}", district=world.district, unit=world.unit_b, source="rating",
            summary="差评", state=State.CLOSED, opened_at=now, visit_due=now + timedelta(days=1),
            rectify_due=now + timedelta(days=5), closed_at=now + timedelta(days=2 if on_time else 9),
        )  # fmt: skip
    rollups_refresh()
    Ticket.objects.create(  # still open, within its deadline: not judged yet
        tracking_code="TC9999999999", district=world.district, unit=world.unit_b, source="rating", summary="差评",
        opened_at=now, visit_due=timezone.now() + timedelta(days=1), rectify_due=timezone.now() + timedelta(days=5),
    )  # fmt: skip
    rows = {r.label: r for r in composite(world.district.pk, date(2026, 11, 1))}
    b = rows["区城管局"]
    assert b.parts == {"sms_qr": 80.0, "public_lines": 50.0, "review": 50.0}
    assert b.score == pytest.approx((40 * 80 + 20 * 50 + 40 * 50) / 100)
    a = rows["区市场监管局"]  # no message-board ratings and no tickets: the QR part alone decides
    assert a.parts == {"sms_qr": 100.0, "public_lines": None, "review": None} and a.score == 100.0
    settings.PINGYI_COMPOSITE_WEIGHTS = {"sms_qr": 0.0, "public_lines": 100.0, "review": 0.0}
    assert {r.label: r.score for r in composite(world.district.pk, date(2026, 11, 1))}["区城管局"] == 50.0
