"""The public page and a hall's big screen in Chromium at phone and 1080p sizes: no console error, no request to
another origin, the screen redraws itself from its JSON; the inspectors' bulletin page too.

Screenshots go to ``PINGYI_SHOTS_DIR`` (default ``test-artifacts/``) to be looked at.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from pingyi.disclosure.public import previous_week
from pingyi.disclosure.services import bulletin_draft, bulletin_publish, bulletin_review
from pingyi.insight.cubes.rollups import rollups_refresh
from pingyi.insight.rankings import previous_month
from tests.browser.conftest import PageWatch
from tests.browser.helpers import ARTIFACTS, PHONE, login
from tests.disclosure.builders_disclosure import local_midnight, plant

pytestmark = pytest.mark.browser

SIZES = {"phone": PHONE, "screen": {"width": 1920, "height": 1080}}
SHOTS = Path(os.environ.get("PINGYI_SHOTS_DIR", str(ARTIFACTS)))


@pytest.fixture
def sized_page(browser: Browser, live_server) -> Iterator:  # type: ignore[no-untyped-def]
    """``sized_page("phone" | "screen")``: a watched page at 390×844 or 1920×1080."""
    opened = []

    def make(size: str) -> tuple[Page, PageWatch]:
        context = browser.new_context(viewport=SIZES[size], locale="zh-CN", base_url=live_server.url)
        page = context.new_page()
        watch = PageWatch(origin=live_server.url.rstrip("/"))
        page.on("console", watch.on_console)
        page.on("pageerror", watch.on_page_error)
        page.on("request", watch.on_request)
        page.on("response", watch.on_response)
        opened.append(context)
        return page, watch

    yield make
    for context in opened:
        context.close()


def shot(page: Page, name: str, full_page: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


@pytest.fixture
def district(transactional_db, world, second_inspector, settings):  # type: ignore[no-untyped-def]
    """A month of ratings, a week with 差评, today's ratings in the hall, and one published bulletin."""
    settings.PINGYI_RANKING_MIN_SAMPLE = 3
    now = timezone.now()
    today = timezone.localdate(now)
    month, week = previous_month(today), previous_week(today)
    for day, window, levels in (
        (month + timedelta(days=3), world.window_a, [5] * 40 + [4] * 6 + [1]),
        (month + timedelta(days=4), world.window_b, [5] * 30 + [2, 1]),
        (month + timedelta(days=5), world.window_sub, [5] * 12),
        (previous_month(month) + timedelta(days=3), world.window_a, [5] * 20),
        (previous_month(month) + timedelta(days=3), world.window_b, [5] * 18 + [1]),
        (week + timedelta(days=2), world.window_b, [1, 2, 1, 5]),
        (week + timedelta(days=2), world.window_a, [2, 5]),
    ):
        plant(world, window, local_midnight(day) + timedelta(hours=10), levels)
    midnight = local_midnight(today)
    for share, window, levels in (
        (0.3, world.window_a, [5, 5, 4]),
        (0.6, world.window_b, [5, 1]),
        (0.9, world.window_sub, [5]),
    ):
        plant(world, window, midnight + (now - midnight) * share, levels)
    rollups_refresh()
    bulletin = bulletin_draft(
        actor=world.users["inspector"],
        district=world.district,
        kind="typical",
        title="关于区城管局窗口工作人员迟到早退问题的通报",
        body="经查，区城管局固废窗口值班人员未经批准私自调整上班时间，且上班迟到早退。区纪检监察工委给予二人政务警告处分，"
        "给予相关负责人批评教育处理，并下发纪检监察建议书。",
    )
    bulletin_review(actor=second_inspector, bulletin_id=bulletin.pk)
    bulletin_publish(actor=world.users["inspector"], bulletin_id=bulletin.pk)
    return world


@pytest.mark.parametrize("size", ["phone", "screen"])
def test_the_public_page(district, sized_page, size):
    world = district
    page, watch = sized_page(size)
    page.goto(f"/public/{world.district.code}/")
    expect(page.locator("h1")).to_contain_text("测试区评议监督公开")
    expect(page.get_by_test_id("bulletins")).to_contain_text("迟到早退问题的通报")
    expect(page.get_by_test_id("ranking").locator("tbody tr")).to_have_count(3)
    expect(page.get_by_test_id("shicha").locator("tbody tr")).to_have_count(2)
    # Nothing wider than the screen: the tables scroll inside their own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
    shot(page, f"disclosure-public-{size}")
    page.get_by_role("link", name="关于区城管局窗口工作人员迟到早退问题的通报").click()
    expect(page.get_by_test_id("bulletin")).to_contain_text("政务警告")
    shot(page, f"disclosure-bulletin-{size}")
    watch.assert_clean()


@pytest.mark.parametrize("size", ["phone", "screen"])
def test_the_big_screen(district, sized_page, size):
    world = district
    page, watch = sized_page(size)
    with page.expect_response(lambda r: r.url.endswith("/data.json")) as first:
        page.goto(f"/public/screen/{world.hall.pk}/")
    assert first.value.ok
    expect(page.locator("[data-k='today.ratings']")).to_have_text("6")
    expect(page.locator("#hours canvas")).to_have_count(1)
    expect(page.locator("[data-list='windows'] tr")).to_have_count(3)
    if size == "screen":
        # One viewport, no scrolling, and type big enough for three metres (numbers ≥ 60 px, table text ≥ 28 px).
        assert page.evaluate("document.documentElement.scrollHeight") <= 1080
        assert (
            page.evaluate("parseFloat(getComputedStyle(document.querySelector('.kpi.main .num')).fontSize)")
            >= 60
        )
        assert (
            page.evaluate("parseFloat(getComputedStyle(document.querySelector('.windows td')).fontSize)")
            >= 28
        )
    shot(page, f"disclosure-screen-{size}", full_page=size == "phone")
    watch.assert_clean()


def test_the_screen_redraws_itself(district, sized_page, settings):
    settings.PINGYI_SCREEN_REFRESH_SECONDS = 5
    world = district
    page, watch = sized_page("screen")
    page.goto(f"/public/screen/{world.hall.pk}/")
    expect(page.locator("[data-k='today.ratings']")).to_have_text("6")
    # Write right after a poll, not during one: the test database (SQLite in memory, shared between the live
    # server's thread and this one) locks a table for readers while it is written, which a file database does not.
    with page.expect_response(lambda response: "data.json" in response.url, timeout=15_000):
        pass
    plant(world, world.window_b, timezone.now() - timedelta(seconds=1), [1, 1])
    rollups_refresh()
    expect(page.locator("[data-k='today.ratings']")).to_have_text("8", timeout=15_000)
    expect(page.locator("[data-k='today.negative']")).to_have_text("3")
    watch.assert_clean()


def test_an_inspector_drafts_a_bulletin(district, sized_page):
    page, watch = sized_page("phone")
    login(page, "inspector")
    page.goto("/public/bulletins/manage/new/")
    page.get_by_label("类别").select_option(label="月度通报")
    page.get_by_label("标题").fill("2026年11月评议工作情况通报")
    page.get_by_label("正文").fill("本月全区共收到群众评价，满意率保持稳定。")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("state")).to_have_text("草稿")
    expect(page.get_by_test_id("review")).to_have_count(0)
    shot(page, "disclosure-manage-phone")
    watch.assert_clean()
