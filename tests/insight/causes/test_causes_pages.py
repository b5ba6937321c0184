"""The 原因分析 page: each role sees its own scope, comments are shown escaped, nothing says who rated."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from pingyi.catalog.models import ServiceItem

URL = "/insight/causes/"
PERIOD = {"start": "2026-09-01", "end": "2026-09-30"}


@pytest.fixture
def voices(world, rate):
    rate(date(2026, 9, 3), level=2, comment="市场监管窗口推诿扯皮", tags=["214"], staff=world.staff_a,
         phone="13912345678", item=world.item_a)  # fmt: skip
    rate(date(2026, 9, 4), level=3, comment="城管窗口排队太久", window=world.window_b, item=world.item_b)
    rate(date(2026, 9, 5), level=3, comment="街道所材料清单不全", window=world.window_sub)
    rate(date(2026, 9, 6), level=2, comment="邻区窗口态度差", window=world.window_other)


def get(world, who, **params):
    return world.client(who).get(URL, {**PERIOD, **params})


def comments_of(response) -> str:
    return response.content.decode().split('data-testid="comments"')[1]


def test_inspector_sees_the_whole_district_and_not_another(world, voices):
    comments = comments_of(get(world, "inspector"))
    for text in ("市场监管窗口推诿扯皮", "城管窗口排队太久", "街道所材料清单不全"):
        assert text in comments
    assert "邻区窗口态度差" not in comments
    outsider = comments_of(get(world, "outsider"))
    assert "邻区窗口态度差" in outsider and "城管窗口排队太久" not in outsider


def test_unit_admin_sees_only_its_unit(world, voices):
    response = get(world, "unit_a")
    page = response.content.decode()
    assert "市场监管窗口推诿扯皮" in page
    for text in ("城管窗口排队太久", "街道所材料清单不全", "邻区窗口态度差", "排队", "区城管局"):
        assert text not in page


def test_another_units_filter_is_not_found(world, voices):
    assert get(world, "unit_a", unit=world.unit_b.pk).status_code == 404
    assert get(world, "unit_a", item=world.item_b.pk).status_code == 404
    assert get(world, "unit_a", unit=world.unit_a.pk, item=world.item_b.pk).status_code == 404
    assert get(world, "unit_a", unit=world.unit_a.pk).status_code == 200
    assert get(world, "outsider", unit=world.unit_a.pk).status_code == 404


def test_an_item_filter_narrows_to_that_item(world, voices):
    comments = comments_of(get(world, "inspector", item=world.item_b.pk))
    assert "城管窗口排队太久" in comments and "市场监管窗口推诿扯皮" not in comments


def test_hall_manager_sees_its_hall_and_sub_centres(world, voices):
    assert "街道所材料清单不全" in comments_of(get(world, "hall_manager"))
    sub = comments_of(get(world, "sub_manager"))
    assert "街道所材料清单不全" in sub and "城管窗口排队太久" not in sub


def test_staff_see_their_own_ratings_comments_but_not_who_gave_them(world, voices):
    page = get(world, "clerk").content.decode()
    assert "市场监管窗口推诿扯皮" in page
    assert "城管窗口排队太久" not in page
    for secret in ("13912345678", "139****5678", "5678"):
        assert secret not in page


def test_no_page_shows_the_evaluators_phone(world, voices):
    for who in ("inspector", "hall_manager", "unit_a", "root"):
        page = get(world, who).content.decode()
        assert "5678" not in page and "****" not in page


def test_operators_and_strangers_get_nothing(world, voices):
    assert get(world, "operator").status_code == 404
    client = world.client("inspector")
    client.logout()
    assert client.get(URL).status_code == 302


def test_markup_in_comments_is_shown_escaped(world, rate):
    item = ServiceItem.objects.create(
        district=world.district, unit=world.unit_a, code="X1", name="<i>事项</i>"
    )
    for day in (date(2026, 9, 7), date(2026, 9, 14), date(2026, 9, 21)):
        rate(
            day, level=2, item=item, comment='<script>alert("推诿")</script><img src=x onerror=alert(1)>推诿'
        )
    page = get(world, "inspector").content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page and "<i>事项</i>" not in page
    assert "&lt;script&gt;alert(&quot;推诿&quot;)&lt;/script&gt;" in page
    assert "&lt;i&gt;事项&lt;/i&gt;" in page
    topic = page.split('data-topic="推诿"')[1].split("</tr>")[0]
    assert "&lt;img src=x onerror=alert(1)&gt;" in topic


def test_a_period_longer_than_a_year_is_cut_and_said_so(world, voices):
    page = world.client("inspector").get(URL, {"start": "2024-01-01", "end": "2026-09-30"}).content.decode()
    assert "期间最长 366 天" in page and 'value="2025-09-30"' in page
    assert "市场监管窗口推诿扯皮" in page


def test_the_default_period_is_this_month_and_the_five_before(world, voices):
    today = timezone.localdate()
    start = today.replace(day=1)
    for _ in range(5):
        start = (start - timedelta(days=1)).replace(day=1)
    page = world.client("inspector").get(URL).content.decode()
    assert f'name="start" value="{start:%Y-%m-%d}"' in page and f'name="end" value="{today:%Y-%m-%d}"' in page
