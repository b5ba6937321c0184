"""The dashboard in Chromium: every chart is drawn from our vendored ECharts, no console error, no other origin,
at a phone size and at 1080p; an inspector drills from the district to a unit and a unit admin sees only its own."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pingyi.insight.cubes.rollups import rollups_refresh
from pingyi.ratings.models import Rating
from tests.browser.helpers import login, screenshot

pytestmark = pytest.mark.browser
TZ = ZoneInfo("Asia/Shanghai")


def seed(world: Any) -> None:
    today = timezone.localdate()
    rows = []
    for offset in range(6):
        day = today - timedelta(days=offset)
        for unit, window, level in ((world.unit_a, world.window_a, 5), (world.unit_b, world.window_b, 1)):
            when = datetime.combine(day, time(9 + offset), tzinfo=TZ)
            rows.append(
                Rating(
                    district=world.district,
                    unit=unit,
                    window=window,
                    channel="qr",
                    scale="five",
                    level=level,
                    level5=level,
                    negative=level <= 2,
                    rated_at=when,
                    received_at=timezone.now(),
                )  # fmt: skip
            )
    Rating.objects.bulk_create(rows)
    rollups_refresh()


@pytest.mark.parametrize("size", ["phone", "hd"])
def test_dashboard_draws_every_chart_and_drills_down(world: Any, new_page: Any, size: str) -> None:
    seed(world)
    page, watch = new_page("phone" if size == "phone" else "desktop")
    if size == "hd":
        page.set_viewport_size({"width": 1920, "height": 1080})
    login(page, world.users["inspector"].username)
    since = (timezone.localdate() - timedelta(days=10)).isoformat()
    page.goto(f"/insight/?from={since}")
    expect(page.get_by_test_id("ratings")).to_have_text("12")
    expect(page.get_by_test_id("negative")).to_have_text("6")
    charts = page.locator("[data-chart]")
    expect(charts).to_have_count(4)
    for index in range(4):
        expect(charts.nth(index)).to_have_attribute("data-drawn", "1")
        assert charts.nth(index).locator("canvas").count() >= 1
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the screen"
    screenshot(page, f"insight-dashboard-{size}")
    page.get_by_test_id("drill").get_by_role("link", name=world.unit_b.name).click()
    expect(page.get_by_test_id("crumbs")).to_contain_text(world.unit_b.name)
    expect(page.get_by_test_id("ratings")).to_have_text("6")
    expect(page.get_by_test_id("satisfaction")).to_have_text("0.00%")
    page.goto(f"/insight/rankings/?week={timezone.localdate().isoformat()}")  # the default is last week
    expect(page.get_by_test_id("shicha")).to_contain_text(world.unit_b.name)
    screenshot(page, f"insight-rankings-{size}")
    watch.assert_clean()


def test_unit_admin_dashboard_shows_only_its_unit(world: Any, new_page: Any) -> None:
    seed(world)
    page, watch = new_page("desktop")
    login(page, world.users["unit_a"].username)
    since = (timezone.localdate() - timedelta(days=10)).isoformat()
    page.goto(f"/insight/?from={since}")
    expect(page.get_by_test_id("ratings")).to_have_text("6")
    expect(page.get_by_test_id("drill")).not_to_contain_text(world.unit_b.name)
    expect(page.locator("[data-chart]").first).to_have_attribute("data-drawn", "1")
    watch.assert_clean()
