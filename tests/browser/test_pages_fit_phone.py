"""Every page of the menu fits a phone: a wide table scrolls inside its own box, the page never scrolls sideways.

Opened as the superuser, whose menu holds every entry, after a comparison has run (its list of runs is a table)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pingyi.oversight.models import ComparisonRun
from pingyi.oversight.services import comparison_run_period
from tests.browser.helpers import login, screenshot

pytestmark = pytest.mark.browser


def test_every_menu_page_fits_a_phone(world, new_page):
    today = timezone.localdate()
    comparison_run_period(
        actor=world.users["inspector"],
        district=world.district,
        start=today - timedelta(days=30),
        end=today,
        trigger=ComparisonRun.Trigger.BACK_OFFICE,
    )
    page, watch = new_page("phone")
    login(page, world.users["root"].username)
    links = page.get_by_test_id("mainnav").locator("a[data-nav]")
    hrefs = links.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert len(hrefs) > 20 and "/oversight/" in hrefs
    too_wide = {}
    for href in hrefs:
        page.goto(href)
        expect(page.locator("main h1")).to_be_visible()
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            too_wide[href] = overflow
            screenshot(page, f"too-wide-{href}")
    assert too_wide == {}, f"pages wider than a 390 px phone (px too wide): {too_wide}"
    watch.assert_clean()
