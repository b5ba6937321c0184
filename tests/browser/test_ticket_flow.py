"""The closed loop in Chromium: a 不满意 on the phone page → the unit's admin records the return visit → verification →
rectification → an inspector closes → the citizen sees the outcome with the tracking code and rates the handling."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pingyi.tickets.choices import State
from pingyi.tickets.models import Ticket
from pingyi.tickets.services import tickets_open_pending
from tests.browser.helpers import login, screenshot

pytestmark = pytest.mark.browser


def test_a_complaint_goes_round_the_whole_loop(world, poster, new_page):
    # The citizen, on the phone: 不满意 with a reason, a comment and a phone for the call back.
    phone, phone_watch = new_page("phone")
    phone.goto(f"/r/{poster.token}")
    phone.locator('label.level:has(input[value="2"])').click()
    phone.locator('.taggroup[data-level="2"] label.tag').first.click()
    phone.get_by_label("意见和建议").fill("材料清单说了三遍都不一样")
    phone.get_by_label("手机号码").fill("13912345678")
    phone.get_by_role("button", name="提交评价").click()
    expect(phone.get_by_test_id("tracking-code")).to_have_text(re.compile(r"^[A-Z2-9]{10}$"))
    code = phone.get_by_test_id("tracking-code").inner_text().strip()
    assert len(code) == 10

    # Through Django the 差评 opens its ticket as it is stored; the lean intake (PostgreSQL) leaves it to the worker's
    # sweep, pingyi.tickets.open, every minute — until then the tracking page says it is being passed on.
    if not Ticket.objects.filter(tracking_code=code).exists():
        phone.goto(f"/track/{code}/")
        expect(phone.get_by_test_id("state")).to_have_text("正在转交承办单位")
    tickets_open_pending()
    ticket = Ticket.objects.get(tracking_code=code)
    assert ticket.unit == world.unit_a

    # The unit's admin, at a desk: return visit, verification, rectification.
    desk, desk_watch = new_page("desktop")
    login(desk, "unita")
    desk.goto("/tickets/")
    desk.get_by_role("link", name=code).click()
    expect(desk.locator("main")).to_contain_text("材料清单说了三遍都不一样")
    expect(desk.locator("main")).not_to_contain_text("13912345678")
    desk.get_by_role("button", name="获取隐私号回访").click()
    expect(desk.locator("main")).to_contain_text("隐私号 95013-")
    visit = desk.get_by_test_id("action-visit")
    visit.get_by_label("回访人").fill("王科长")
    visit.get_by_label("回访时间").fill(
        (timezone.localtime() - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M")
    )
    visit.get_by_label("群众反映").fill("群众反映窗口一次性告知不到位")
    visit.get_by_role("button", name="记录回访").click()
    expect(desk.locator("h1")).to_contain_text("待核实")
    verify = desk.get_by_test_id("action-verify")
    verify.get_by_label("核实结论", exact=True).select_option(label="属实")
    verify.get_by_role("button", name="核实", exact=True).click()
    expect(desk.locator("h1")).to_contain_text("整改中")
    rectify = desk.get_by_test_id("action-rectify")
    rectify.get_by_label("整改措施", exact=True).fill("统一材料清单并在窗口公示")
    rectify.get_by_label("整改佐证", exact=True).fill("公示照片已存档")
    rectify.get_by_role("button", name="提交整改", exact=True).click()
    expect(desk.locator("h1")).to_contain_text("待审核")
    screenshot(desk, "ticket-unit-desktop")
    desk_watch.assert_clean()

    # An inspector reviews and closes.
    review, review_watch = new_page("desktop")
    login(review, "inspector")
    review.goto(f"/tickets/{ticket.pk}/")
    expect(review.get_by_test_id("timeline")).to_contain_text("提交整改")
    review.get_by_test_id("action-review_pass").get_by_role("button", name="审核通过").click()
    expect(review.locator("h1")).to_contain_text("已办结")
    review_watch.assert_clean()
    ticket.refresh_from_db()
    assert ticket.state == State.CLOSED

    # The citizen looks up the code and sees the outcome, without names or internal notes.
    phone.goto("/track/")
    phone.get_by_label("查询码").fill(code)
    phone.get_by_role("button", name="查询").click()
    expect(phone.get_by_test_id("state")).to_have_text("已办结")
    expect(phone.get_by_test_id("outcome")).to_contain_text("属实，已整改")
    expect(phone.locator("main")).not_to_contain_text("王科长")
    screenshot(phone, "ticket-track-phone")
    phone.get_by_role("button", name="满意", exact=True).click()
    expect(phone.get_by_test_id("rated")).to_be_visible()
    ticket.refresh_from_db()
    assert ticket.handling_level == 1
    phone_watch.assert_clean()
