"""Reason tags: 差评 and 基本满意 counted separately, each equal to a recount of the raw ratings."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from pingyi.insight.causes.analysis import causes
from pingyi.insight.causes.base import Selection
from pingyi.ratings.models import Rating, ReasonTag

TZ = ZoneInfo("Asia/Shanghai")
PERIOD = Selection(date(2026, 7, 1), date(2026, 8, 31))


@pytest.fixture
def tagged(world, rate):
    plan = [
        # (day, level, tags, window)
        (date(2026, 7, 1), 2, ["214", "213"], "a"),
        (date(2026, 7, 2), 2, ["214"], "a"),
        (date(2026, 7, 20), 1, ["115", "113"], "b"),
        (date(2026, 8, 3), 1, ["115"], "b"),
        (date(2026, 8, 4), 2, ["209", "214"], "b"),
        (date(2026, 8, 31), 2, [], "a"),
        (date(2026, 7, 5), 3, ["308", "314"], "a"),
        (date(2026, 7, 6), 3, ["308"], "b"),
        (date(2026, 8, 7), 3, ["308", "309"], "sub"),
        (date(2026, 8, 8), 3, ["314"], "a"),
        # Satisfied ratings' tags are no cause.
        (date(2026, 7, 9), 4, ["410"], "a"),
        (date(2026, 7, 10), 5, ["516"], "b"),
    ]
    windows = {"a": world.window_a, "b": world.window_b, "sub": world.window_sub}
    for day, level, tags, window in plan:
        rate(day, level=level, tags=tags, window=windows[window])
    # A rating under the retired 2019 set, read with that set's label.
    rate(date(2026, 8, 10), level=1, tags=["103"], tag_version="2019", window=world.window_a)
    # A default 基本满意 is not a citizen's reason; ratings outside the period are not counted.
    rate(date(2026, 8, 11), level=3, tags=["308"], default=True)
    rate(datetime.combine(date(2026, 9, 1), time(0, 0), tzinfo=TZ), level=2, tags=["214"])
    rate(
        datetime.combine(date(2026, 7, 1), time(0, 0), tzinfo=TZ) - timedelta(seconds=1),
        level=3,
        tags=["308"],
    )


def recount(negative: bool) -> Counter:
    lo = datetime.combine(PERIOD.start, time.min, tzinfo=TZ)
    hi = datetime.combine(PERIOD.end + timedelta(days=1), time.min, tzinfo=TZ)
    counts: Counter = Counter()
    for rating in Rating.objects.filter(rated_at__gte=lo, rated_at__lt=hi, is_default=False):
        if rating.level5 <= 2 and negative or rating.level5 == 3 and not negative:
            counts.update({(rating.tag_version, code) for code in rating.tags})
    return counts


def test_tags_equal_a_recount_for_each_level(world, tagged):
    result = causes(world.users["inspector"], PERIOD)
    for tags, negative in ((result.negative_tags, True), (result.basic_tags, False)):
        assert {(t.version, t.code): t.count for t in tags} == dict(recount(negative))
    assert [(t.code, t.count) for t in result.negative_tags[:2]] == [("214", 3), ("115", 2)]
    assert [(t.code, t.count) for t in result.basic_tags] == [("308", 3), ("314", 2), ("309", 1)]
    assert (result.negative, result.basic) == (7, 4)


def test_tags_show_their_labels_of_their_version(world, tagged):
    result = causes(world.users["inspector"], PERIOD)
    labels = {t.code: t.label for t in result.negative_tags + result.basic_tags}
    assert labels["214"] == ReasonTag.objects.get(version="2020", code="214").label == "服务态度生硬"
    assert labels["103"] == "服务态度差"  # 2019 set
    assert labels["308"] == "等候时间较长"
    share = {t.code: t.percent for t in result.basic_tags}
    assert share["308"] == 75.0


def test_tags_by_unit(world, tagged):
    result = causes(world.users["inspector"], PERIOD)
    units = {row.key: row for row in result.units}
    assert (units[world.unit_a.pk].negative, units[world.unit_a.pk].basic) == (4, 2)
    assert [(t.code, t.count) for t in units[world.unit_a.pk].tags][:1] == [("214", 2)]
    assert (units[world.unit_b.pk].negative, units[world.unit_b.pk].basic) == (3, 1)
    assert [(t.code, t.count) for t in units[world.unit_b.pk].tags][:1] == [("115", 2)]


def test_the_page_shows_each_levels_tags_with_label_and_count(world, tagged):
    page = (
        world.client("inspector")
        .get("/insight/causes/", {"start": "2026-07-01", "end": "2026-08-31"})
        .content.decode()
    )
    negative = page.split('data-testid="tags-negative"')[1].split("</table>")[0]
    basic = page.split('data-testid="tags-basic"')[1].split("</table>")[0]
    assert '<td>服务态度生硬</td><td class="mono">214</td><td>3</td>' in negative
    assert "等候时间较长" not in negative
    assert '<td>等候时间较长</td><td class="mono">308</td><td>3</td><td>75.0%</td>' in basic
    assert "服务态度生硬" not in basic


def test_tags_by_month(world, tagged):
    result = causes(world.users["inspector"], PERIOD)
    july, august = result.months
    assert (july.month, july.negative, july.basic) == (date(2026, 7, 1), 3, 2)
    assert (august.month, august.negative, august.basic) == (date(2026, 8, 1), 4, 2)
    assert [(t.code, t.count) for t in july.negative_tags] == [("214", 2), ("113", 1), ("115", 1)]
    assert [(t.code, t.count) for t in july.basic_tags] == [("308", 2), ("314", 1)]
    assert [(t.code, t.count) for t in august.basic_tags] == [("308", 1), ("309", 1), ("314", 1)]
