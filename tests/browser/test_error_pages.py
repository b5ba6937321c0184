"""A page the role may not use answers in Chinese, inside the usual layout, with the menu still there."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import login, screenshot

pytestmark = pytest.mark.browser


def test_an_inspector_may_read_a_window_but_not_edit_it(world, new_page):
    page, watch = new_page("phone")
    watch.expect_status(403)
    login(page, world.users["inspector"].username)
    page.goto(f"/catalog/windows/{world.window_a.pk}/")
    expect(page.get_by_role("link", name="编辑")).to_have_count(0)

    response = page.goto(f"/catalog/windows/{world.window_a.pk}/edit/")
    assert response is not None and response.status == 403
    expect(page.get_by_test_id("error-page")).to_contain_text("无权操作")
    expect(page.get_by_test_id("mainnav")).to_have_count(1)
    screenshot(page, "error-403-phone")
    page.get_by_role("link", name="返回首页").click()
    expect(page.get_by_role("heading", name="首页")).to_be_visible()
    watch.assert_clean()


def test_another_units_staff_record_is_simply_not_there(world, new_page):
    page, watch = new_page("desktop")
    watch.expect_status(404)
    login(page, world.users["unit_a"].username)
    response = page.goto(f"/catalog/staff/{world.staff_b.pk}/")
    assert response is not None and response.status == 404
    expect(page.get_by_test_id("error-page")).to_contain_text("页面不存在")
    expect(page.locator("main")).not_to_contain_text(world.staff_b.name)
    screenshot(page, "error-404-desktop")
    watch.assert_clean()
