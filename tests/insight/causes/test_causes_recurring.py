"""Recurring problems per service item: months in a row of 差评 + 基本满意, and look-alikes that are not."""

from __future__ import annotations

from datetime import date

import pytest

from pingyi.catalog.models import ServiceItem
from pingyi.insight.causes.analysis import causes
from pingyi.insight.causes.base import Selection

HALF_YEAR = Selection(date(2026, 4, 1), date(2026, 9, 30))


@pytest.fixture
def items(world, rate):
    a, b = world.item_a, world.item_b
    c = ServiceItem.objects.create(
        district=world.district, unit=world.unit_a, code="420113003", name="食品经营许可"
    )
    d = ServiceItem.objects.create(
        district=world.district, unit=world.unit_b, code="420113004", name="渣土运输许可"
    )
    # a: July, August, September — two or three each; the same complaint keeps coming back.
    for day, level, tags, comment in [
        (date(2026, 7, 2), 2, ["209"], "营业执照超过承诺时限还没办结"),
        (date(2026, 7, 16), 3, ["308"], "排队太久"),
        (date(2026, 8, 4), 2, ["209"], "营业执照迟迟不办结"),
        (date(2026, 8, 18), 2, ["213"], "办结时间一拖再拖"),
        (date(2026, 9, 1), 3, ["313"], "不知道什么时候办结"),
        (date(2026, 9, 21), 2, ["209"], "营业执照还是没有办结"),
    ]:
        rate(day, level=level, tags=tags, comment=comment, item=a)
    # b (look-alike): more bad ratings than a, all in one bad month.
    for n in range(7):
        rate(date(2026, 8, 1 + n), level=2, tags=["214"], comment="态度生硬", item=b, window=world.window_b)
    # c: two bad months, but not in a row.
    for day in (date(2026, 5, 6), date(2026, 5, 7), date(2026, 7, 6), date(2026, 7, 7)):
        rate(day, level=3, tags=["307"], item=c)
    # d: one rating a month for four months — below the monthly minimum each time.
    for month in (6, 7, 8, 9):
        rate(date(2026, month, 10), level=3, tags=["308"], item=d, window=world.window_b)
    # Satisfied ratings never make an item fail.
    for month in (4, 5, 6):
        for day in (3, 4, 5):
            rate(date(2026, month, day), level=4, tags=["410"], item=d, window=world.window_b)
    return a, b, c, d


def test_only_the_item_failing_months_in_a_row_is_recurring(world, items):
    a, b, c, d = items
    result = causes(world.users["inspector"], HALF_YEAR)
    assert [row.key for row in result.recurring_items] == [a.pk]
    row = result.recurring_items[0]
    assert (row.streak, row.streak_from, row.streak_to) == (3, date(2026, 7, 1), date(2026, 9, 1))
    assert [m.total for m in row.months] == [0, 0, 0, 2, 2, 2]
    assert (row.negative, row.basic) == (4, 2)
    assert [(t.code, t.count) for t in row.tags][:1] == [("209", 3)]
    assert {"营业执照", "办结"} <= {k.word for k in row.keywords}
    others = {row.key: row for row in result.other_items}
    assert others[b.pk].negative == 7 and others[b.pk].streak == 1
    assert others[c.pk].streak == 1 and others[d.pk].streak == 0
    assert list(others) == [b.pk, c.pk, d.pk]  # by run, then 差评, then all


def test_recurring_items_are_ranked_by_their_run(world, items, rate):
    a, b, c, d = items
    for day in (
        date(2026, 4, 8),
        date(2026, 4, 9),
        date(2026, 5, 8),
        date(2026, 5, 9),
        date(2026, 6, 8),
        date(2026, 6, 9),
    ):
        rate(day, level=3, tags=["307"], item=c)
    result = causes(world.users["inspector"], HALF_YEAR)
    assert [(row.key, row.streak) for row in result.recurring_items] == [(c.pk, 4), (a.pk, 3)]


def test_the_page_lists_the_recurring_item_and_not_the_look_alike(world, items):
    a, b, c, d = items
    page = (
        world.client("inspector")
        .get("/insight/causes/", {"start": "2026-04-01", "end": "2026-09-30"})
        .content.decode()
    )
    recurring = page.split('data-testid="recurring-items"')[1].split("</table>")[0]
    assert f'data-item="{a.pk}"' in recurring and "个体工商户设立登记" in recurring
    assert "未在承诺时间内办结（3）" in recurring
    assert f'data-item="{b.pk}"' not in recurring and "户外广告设置许可" not in recurring
    others = page.split('data-testid="items"')[1].split("</table>")[0]
    assert f'data-item="{b.pk}"' in others
