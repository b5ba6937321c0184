"""The 原因分析 page in Chromium at phone and 1080p sizes: no console error, no request to another origin, a keyword
click narrows the comments. Screenshots go to ``test-artifacts/`` to be looked at."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import browser, new_page, playwright_driver  # noqa: F401 (fixtures)
from tests.browser.helpers import login, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def planted(world, rate):
    for month in (6, 7, 8, 9):
        rate(date(2026, month, 3), level=2, tags=["214", "209"], item=world.item_a,
             comment="窗口推诿，材料没有一次性告知，<b>跑了三趟</b>")  # fmt: skip
        rate(date(2026, month, 4), level=3, tags=["308"], item=world.item_a, comment="排队太久，等了两个小时")
        rate(date(2026, month, 5), level=3, tags=["308"], window=world.window_b, item=world.item_b,
             comment="取号以后排队时间长")  # fmt: skip


def open_causes(page: Page) -> None:
    login(page, "inspector")
    page.goto("/insight/causes/?start=2026-06-01&end=2026-09-30")


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_page_renders_clean_and_a_keyword_narrows_the_comments(new_page, world, planted, size):  # noqa: F811
    page, watch = new_page(size)
    if size == "desktop":
        page.set_viewport_size({"width": 1920, "height": 1080})
    open_causes(page)
    expect(page.get_by_test_id("recurring-items")).to_contain_text("个体工商户设立登记")
    expect(page.get_by_test_id("comments")).to_contain_text("<b>跑了三趟</b>")
    screenshot(page, f"causes-{size}")
    page.get_by_test_id("keywords").get_by_role("link", name="推诿", exact=True).click()
    page.wait_for_load_state("load")
    comments = page.get_by_test_id("comments")
    expect(comments.locator("tbody tr")).to_have_count(4)
    expect(comments).not_to_contain_text("排队时间长")
    watch.assert_clean()
