"""The login page as a person meets it: lockout after wrong passwords, and the language switch in the header."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.helpers import login, screenshot

pytestmark = pytest.mark.browser


def test_wrong_passwords_lock_the_account_with_a_chinese_message(world, desktop_page):
    page, watch = desktop_page
    username = world.users["unit_a"].username
    attempts = settings.PINGYI_LOCKOUT_ATTEMPTS
    assert attempts == 5  # the documented default

    alert = page.get_by_role("alert")
    for _ in range(attempts - 1):
        login(page, username, "not-the-password")
        expect(alert).to_contain_text("用户名或密码不正确")

    login(page, username, "not-the-password")
    expect(alert).to_contain_text("账户已锁定")
    expect(alert).to_contain_text(f"{settings.PINGYI_LOCKOUT_MINUTES} 分钟")

    # Even the right password is refused now, with the same message, and the person stays on the login page.
    login(page, username)
    expect(alert).to_contain_text("账户已锁定")
    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.get_by_test_id("mainnav")).to_have_count(0)
    screenshot(page, "login-locked-desktop")
    watch.assert_clean()


def test_another_account_is_not_locked_by_someone_elses_failures(world, desktop_page):
    page, watch = desktop_page
    for _ in range(settings.PINGYI_LOCKOUT_ATTEMPTS):
        login(page, world.users["unit_a"].username, "not-the-password")
    login(page, world.users["unit_b"].username)
    expect(page.get_by_test_id("mainnav")).to_have_count(1)
    expect(page.get_by_role("heading", name="首页")).to_be_visible()
    watch.assert_clean()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_switching_to_english_and_back(world, new_page, size):
    page, watch = new_page(size)
    html = page.locator("html")

    page.goto("/login/")
    expect(html).to_have_attribute("lang", "zh-hans")
    page.get_by_role("button", name="English").click()
    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/login/$"))
    screenshot(page, f"login-en-{size}")

    # The choice sticks across pages and through logging in.
    login(page, world.users["inspector"].username)
    expect(html).to_have_attribute("lang", "en")
    page.goto("/catalog/units/")
    expect(html).to_have_attribute("lang", "en")

    page.get_by_role("button", name="中文").click()
    expect(html).to_have_attribute("lang", "zh-hans")
    expect(page).to_have_url(re.compile(r"/catalog/units/$"))
    expect(page.get_by_role("button", name="English")).to_be_visible()
    watch.assert_clean()
