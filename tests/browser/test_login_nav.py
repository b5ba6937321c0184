"""Logging in through the real form as each role, on a desktop and on a phone: the menu shows exactly that role's
entries, the page is styled by our own stylesheet and nothing is fetched from another origin."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import login, screenshot

pytestmark = pytest.mark.browser

CATALOG = ["halls", "units", "windows", "staff", "shifts", "items", "posters", "devices", "imports"]
INSPECTOR = [
    "ratings",
    "tickets",
    "ledger",
    "oversight",
    "alerts",
    "inspections",
    "accountability",
    "bulletins",
    "insight",
    "causes",
    "reports",
    *CATALOG,
]
# Derived from the scope rules (each app's scopes) and pingyi/web/navigation.py: the audit log and the comparison are
# the inspectors' alone; staff phones are none of the hotline's business; a window clerk sees their own ratings,
# records, unit and shifts; operators enter ratings and complaints instead of browsing them.
UNIT_ADMIN_NAV = [
    "ratings",
    "tickets",
    "ledger",
    "alerts",
    "inspections",
    "accountability",
    "insight",
    "causes",
    "reports",
]
EXPECTED_NAV = {
    "root": ["ratings", "entry", "complaint", *INSPECTOR[1:], "workdays", "audit", "users"],
    "inspector": [*INSPECTOR, "workdays", "audit"],
    "hall_manager": ["ratings", "tickets", "ledger", "alerts", "insight", "causes", *CATALOG],
    "unit_a": [*UNIT_ADMIN_NAV, *CATALOG],
    "clerk": ["ratings", "ledger", "insight", "causes", "units", "staff", "shifts"],
    "operator": ["entry", "complaint", "halls", "units", "windows", "items", "imports"],
}


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("who", list(EXPECTED_NAV))
def test_each_role_sees_exactly_its_menu(world, new_page, who, size):
    page, watch = new_page(size)
    user = world.users[who]
    login(page, user.username)

    expect(page).to_have_url(re.compile(r"^http://[^/]+/$"))
    expect(page.get_by_role("heading", name="首页")).to_be_visible()
    expect(page.get_by_test_id("who")).to_contain_text(user.get_role_display())

    # Our stylesheet is served and applied: the header wears the brand colour.
    assert (
        page.locator("header.topbar").evaluate("e => getComputedStyle(e).backgroundColor")
        == "rgb(143, 29, 23)"
    )

    nav = page.get_by_test_id("mainnav")
    toggle = page.locator("label.nav-toggle-label")
    if size == "phone":
        expect(nav).to_be_hidden()
        expect(toggle).to_be_visible()
        toggle.click()
    else:
        expect(toggle).to_be_hidden()
    expect(nav).to_be_visible()

    keys = nav.locator("a[data-nav]").evaluate_all("links => links.map(a => a.dataset.nav)")
    assert keys == EXPECTED_NAV[who]
    for key in keys:
        expect(nav.locator(f'a[data-nav="{key}"]')).to_be_visible()

    # Each entry reads as a word: on one line, never squeezed to a character per line by the other entries.
    line = nav.locator("a[data-nav]").first.evaluate("a => parseFloat(getComputedStyle(a).lineHeight)")
    heights = nav.locator("a[data-nav]").evaluate_all(
        "links => links.map(a => a.getBoundingClientRect().height - parseFloat(getComputedStyle(a).paddingTop)"
        " - parseFloat(getComputedStyle(a).paddingBottom))"
    )
    assert max(heights) < 1.5 * line, f"a menu entry wraps: heights {heights}, line {line}"

    # Nothing in the header spills past the right edge of the screen.
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the {size} screen"

    screenshot(page, f"nav-{who}-{size}")

    # The first entry leads somewhere that works for this role.
    nav.locator("a[data-nav]").first.click()
    page.wait_for_load_state("load")
    expect(page.locator("main h1")).to_be_visible()
    watch.assert_clean()
