"""The citizen rating page in Chromium on a phone: every level of both scales end to end with JavaScript (no page
reload), the large-text mode, the same form with JavaScript disabled, and nothing fetched from another origin.

The live server answers as pingyi/wsgi.py does in production: the lean intake in front of Django. On PostgreSQL the
page's JavaScript posts are taken by the lean intake (checked: none reaches Django unless it is refused)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from playwright.sync_api import Browser, Page, expect

from pingyi.lib import scales
from pingyi.ratings.intake.wsgi import LeanIntake
from pingyi.ratings.models import Rating
from pingyi.ratings.posters.services import poster_issue
from tests.browser.conftest import PageWatch
from tests.browser.helpers import SIZES, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def django_posts(live_server) -> Iterator[list[str]]:  # type: ignore[no-untyped-def]
    """Put the lean intake in front of the live server's Django; yields the Accept header of each rating post that
    reached Django."""
    httpd = live_server.thread.httpd
    django_app = httpd.get_app()
    seen: list[str] = []

    def recording(environ: dict[str, Any], start_response: Any) -> Any:
        if environ["REQUEST_METHOD"] == "POST" and environ.get("PATH_INFO", "").startswith("/r/"):
            seen.append(environ.get("HTTP_ACCEPT", ""))
        return django_app(environ, start_response)

    httpd.set_app(LeanIntake(recording))
    yield seen
    httpd.set_app(django_app)


ON_PG = connection.vendor == "postgresql"


@pytest.fixture
def nojs_page(browser: Browser, live_server) -> Iterator:  # type: ignore[no-untyped-def]
    """Like ``new_page`` but with JavaScript disabled in the browser context."""
    contexts = []

    def make(size: str = "phone") -> tuple[Page, PageWatch]:
        context = browser.new_context(
            viewport=SIZES[size], locale="zh-CN", base_url=live_server.url, java_script_enabled=False
        )
        contexts.append(context)
        page = context.new_page()
        watch = PageWatch(origin=live_server.url.rstrip("/"))
        page.on("console", watch.on_console)
        page.on("pageerror", watch.on_page_error)
        page.on("request", watch.on_request)
        page.on("response", watch.on_response)
        return page, watch

    yield make
    for context in contexts:
        context.close()


def choose_level(page: Page, value: int) -> None:
    page.locator(f'label.level:has(input[value="{value}"])').click()


def first_tag(page: Page, value: int):  # type: ignore[no-untyped-def]
    return page.locator(f'.taggroup[data-level="{value}"] label.tag').first


@pytest.mark.parametrize("scale", [scales.Scale.FIVE, scales.Scale.THREE])
def test_every_level_submits_without_a_page_reload(world, poster, new_page, settings, scale, django_posts):
    settings.PINGYI_RATING_SCALE = scale.value
    page, watch = new_page("phone")
    for level in scales.levels(scale):
        page.goto(f"/r/{poster.token}")
        expect(page.get_by_test_id("rate-target")).to_contain_text("张敏")
        expect(page.locator("label.level")).to_have_count(len(scales.levels(scale)))
        expect(page.locator("#f-tags")).to_be_hidden()  # no level yet: no tags
        page.evaluate("window.__samePage = true")
        choose_level(page, level.value)
        expect(page.locator(f'.taggroup[data-level="{level.value}"]')).to_be_visible()
        for other in scales.levels(scale):
            if other.value != level.value:
                expect(page.locator(f'.taggroup[data-level="{other.value}"]')).to_be_hidden()
        tag = first_tag(page, level.value)
        tag_code = tag.locator("input").get_attribute("value")
        tag.click()
        page.get_by_label("意见和建议").fill(f"{level.label}：端到端测试")
        expect(page.locator("#comment-count")).to_have_text(str(len(f"{level.label}：端到端测试")))
        page.get_by_role("button", name="提交评价").click()
        thanks = page.get_by_test_id("rate-thanks")
        expect(thanks).to_be_visible()
        expect(page.locator("#rate-form")).to_be_hidden()
        assert page.evaluate("window.__samePage") is True, "the page reloaded"
        rating = Rating.objects.get(comment=f"{level.label}：端到端测试")
        assert (rating.scale, rating.level, rating.level5) == (
            scale.value,
            level.value,
            scales.to_five(scale, level.value),
        )
        assert rating.tags == [tag_code] and rating.channel == "qr" and rating.staff == world.staff_a
        if level.negative:
            expect(page.get_by_test_id("tracking-code")).to_have_text(rating.tracking_code)
            expect(thanks).to_contain_text("1个工作日")
            screenshot(page, f"rate-{scale.value}-{level.value}-thanks-phone")
        else:
            assert rating.tracking_code is None
            expect(page.get_by_test_id("tracking-code")).to_be_hidden()
    assert Rating.objects.count() == len(scales.levels(scale))
    # the page posted JSON, taken by the lean intake on PostgreSQL, by Django on SQLite
    assert len(django_posts) == (0 if ON_PG else len(scales.levels(scale)))
    assert all("application/json" in accept for accept in django_posts)
    watch.assert_clean()


def test_errors_come_back_in_chinese_without_a_reload(world, poster, new_page, django_posts):
    page, watch = new_page("phone")
    watch.expect_status(422)
    page.goto(f"/r/{poster.token}")
    page.evaluate("window.__samePage = true")
    page.get_by_role("button", name="提交评价").click()
    expect(page.locator('[data-err="level"]')).to_have_text("请选择您的满意程度")
    choose_level(page, 2)
    page.get_by_label("手机号码").fill("12ab")
    page.get_by_role("button", name="提交评价").click()
    expect(page.locator('[data-err="phone"]')).to_contain_text("手机号码格式不正确")
    expect(page.get_by_test_id("rate-error")).to_be_visible()
    screenshot(page, "rate-error-phone")
    page.get_by_label("手机号码").fill("13912345678")
    page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_test_id("tracking-code")).to_be_visible()
    assert page.evaluate("window.__samePage") is True
    assert Rating.objects.get().phone_masked == "139****5678"
    # the two refusals are the view's answers; the accepted post is the lean intake's on PostgreSQL
    assert len(django_posts) == (2 if ON_PG else 3)
    watch.assert_clean()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_screens_at_phone_and_desktop_sizes(world, poster, new_page, size):
    page, watch = new_page(size)
    page.goto(f"/r/{poster.token}")
    screenshot(page, f"rate-form-{size}")
    choose_level(page, 1)
    first_tag(page, 1).click()
    screenshot(page, f"rate-form-level1-{size}")
    page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_test_id("tracking-code")).to_be_visible()
    screenshot(page, f"rate-thanks-negative-{size}")
    watch.expect_status(410)
    poster_issue(actor=None, window=world.window_a)
    response = page.goto(f"/r/{poster.token}")
    assert response is not None and response.status == 410
    expect(page.get_by_test_id("rate-notice")).to_contain_text("窗口处张贴的最新二维码")
    screenshot(page, f"rate-gone-{size}")
    watch.assert_clean()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_large_text_mode(world, poster, new_page, size):
    page, watch = new_page(size)
    page.goto(f"/r/{poster.token}")
    normal = page.locator("label.level span").first.bounding_box()
    page.get_by_test_id("text-size").click()
    expect(page.locator("body")).to_have_class("rate large")
    assert page.evaluate("getComputedStyle(document.body).fontSize") == "22px"
    large = page.locator("label.level span").first.bounding_box()
    assert normal is not None and large is not None and large["height"] >= 72 > normal["height"] - 1
    choose_level(page, 5)
    screenshot(page, f"rate-large-{size}")
    page.reload()
    expect(page.locator("body")).to_have_class("rate large")  # the cookie keeps it
    page.get_by_test_id("text-size").click()
    expect(page.locator("body")).to_have_class("rate")
    watch.assert_clean()


def test_the_same_form_works_with_javascript_disabled(world, poster, nojs_page, django_posts):
    page, watch = nojs_page("phone")
    watch.expect_status(422)
    page.goto(f"/r/{poster.token}")
    # Without JavaScript every level's tags are listed under their level's heading.
    expect(page.locator(".taggroup")).to_have_count(5)
    expect(page.locator('.taggroup[data-level="1"] h2')).to_have_text("非常不满意")
    expect(page.locator('.taggroup[data-level="5"]')).to_be_visible()
    screenshot(page, "rate-nojs-form-phone")
    choose_level(page, 5)
    first_tag(page, 1).click()  # a 1★ reason with 非常满意: the server refuses it
    page.get_by_label("意见和建议").fill("无脚本也能评价")
    page.get_by_role("button", name="提交评价").click()
    expect(page.locator('[data-err="tags"]')).to_contain_text("不属于“非常满意”")
    expect(page.get_by_label("意见和建议")).to_have_value("无脚本也能评价")
    expect(page.locator('label.level input[value="5"]')).to_be_checked()
    screenshot(page, "rate-nojs-error-phone")
    first_tag(page, 1).click()
    first_tag(page, 5).click()
    page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_test_id("rate-thanks")).to_contain_text("感谢您的评价")
    rating = Rating.objects.get()
    assert rating.level5 == 5 and rating.comment == "无脚本也能评价" and rating.tags == ["510"]
    assert len(django_posts) == 2 and not any("application/json" in a for a in django_posts)  # the HTML form

    page.goto(f"/r/{poster.token}")
    choose_level(page, 2)
    page.get_by_role("button", name="提交评价").click()
    code = Rating.objects.get(level5=2).tracking_code
    expect(page.get_by_test_id("tracking-code")).to_have_text(code)
    screenshot(page, "rate-nojs-thanks-phone")
    watch.assert_clean()
