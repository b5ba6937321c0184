"""From an empty database to the first real rating, in Chromium, the way the README tells a new district to go:
`pingyi init` → the superuser imports halls, units, windows, staff, items, rosters and users from files made here →
a unit admin signs in with its one-time password → a citizen rates a window on the phone page → the rating names the
staff member the imported roster put on duty → the unit sees its ticket."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from pingyi.accountability.models import SanctionType
from pingyi.accountability.sanctions import load_sanction_types
from pingyi.catalog.models import District, Window
from pingyi.lib.codes import credit_code_check_char
from pingyi.ratings.models import QrPoster, Rating, ReasonTag
from pingyi.ratings.tagdata import load_tag_sets
from pingyi.tickets.models import Ticket
from pingyi.tickets.services import tickets_open_pending
from tests.browser.helpers import screenshot
from tests.helpers_files import write_csv, write_xlsx

pytestmark = pytest.mark.browser


def credit(n: int) -> str:
    body = f"12330106{n:09d}"
    return body + credit_code_check_char(body)


@pytest.fixture
def empty_database(transactional_db, settings, tmp_path) -> None:
    """What `pingyi migrate` leaves: no district, no user; the reason tags and sanction types its data migrations load."""
    settings.UPLOAD_ROOT = str(tmp_path / "uploads")
    load_tag_sets(ReasonTag)
    load_sanction_types(SanctionType)
    assert not District.objects.exists()


def files(folder: Path) -> dict[str, Path]:
    now = timezone.localtime()
    start, end = now - timedelta(hours=2), now + timedelta(hours=2)
    return {
        "大厅": write_xlsx(
            folder / "大厅.xlsx",
            [
                ["大厅编码", "大厅名称", "上级大厅", "地址"],
                ["H01", "西湖区市民中心", "", "文三路1号"],
                ["H02", "北山街道便民服务中心", "H01", ""],
            ],
        ),
        "单位": write_xlsx(
            folder / "单位.xlsx",
            [
                ["单位编码", "单位名称", "统一社会信用代码", "所在大厅"],
                ["U01", "区市场监管局", credit(1), "H01"],
                ["U02", "区人社局", credit(2), "西湖区市民中心"],
            ],
        ),
        "窗口": write_xlsx(
            folder / "窗口.xlsx",
            [
                ["大厅", "窗口编号", "窗口名称", "统一社会信用代码", "单位名称", "办公时间"],
                ["H01", "A01", "企业开办窗口", credit(1), "区市场监管局", "周一至周日 00:00-23:59"],
                ["H01", "A02", "社保窗口", credit(2), "区人社局", "周一至周五 08:30-12:00,14:00-17:30"],
            ],
        ),
        "工作人员": write_csv(
            folder / "工作人员.csv",
            [
                ["单位", "工号", "姓名", "电话"],
                [credit(1), "S001", "陈静", "13800001234"],
                ["U01", "S002", "周强", ""],
                ["区人社局", "R001", "吴芳", ""],
            ],
            "utf-8-sig",
        ),
        "事项": write_xlsx(
            folder / "事项.xlsx",
            [
                ["事项编码", "事项名称", "实施主体", "办理窗口"],
                ["330106001", "个体工商户设立登记", "区市场监管局", "A01"],
                ["330106002", "社保卡补办", "U02", "A02"],
            ],
        ),
        "排班": write_xlsx(
            folder / "排班.xlsx",
            [
                ["窗口", "工作人员", "开始", "结束"],
                ["A01", "陈静", f"{start:%Y-%m-%d %H:%M}", f"{end:%Y-%m-%d %H:%M}"],
                ["A01", "S002", f"{end:%Y-%m-%d %H:%M}", f"{end + timedelta(hours=3):%Y-%m-%d %H:%M}"],
            ],
        ),
        "账户": write_xlsx(
            folder / "账户.xlsx",
            [
                ["用户名", "姓名", "角色", "范围", "电话"],
                ["scj", "市场监管局管理员", "单位管理员", credit(1), "13900004321"],
                ["chenjing", "陈静", "窗口工作人员", "S001", ""],
            ],
        ),
    }


def import_file(page: Page, kind: str, path: Path) -> Page:
    page.goto("/imports/new/")
    page.get_by_label("导入内容").select_option(label=kind)
    page.get_by_label("文件").set_input_files(str(path))
    page.get_by_role("button", name="开始导入").click()
    progress = page.locator("#job-progress")
    expect(progress).to_have_attribute("data-status", "done", timeout=30_000)
    return page


def sign_in_first_time(page: Page, username: str, one_time: str, new_password: str) -> None:
    page.goto("/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(one_time)
    page.locator("main form button[type=submit]").click()
    page.goto("/ratings/")  # any page: a one-time password reaches only the password form
    expect(page).to_have_url(re.compile(r"/account/"))
    expect(page.get_by_test_id("must-change")).to_be_visible()
    page.locator("#id_old_password").fill(one_time)
    page.locator("#id_new_password1").fill(new_password)
    page.locator("#id_new_password2").fill(new_password)
    page.get_by_role("button", name="修改密码").click()
    expect(page.get_by_test_id("must-change")).to_have_count(0)


def test_from_an_empty_database_to_the_units_first_ticket(empty_database, new_page, tmp_path):
    out = io.StringIO()
    call_command(
        "init",
        "--district-code", "330106", "--district-name", "西湖区", "--superuser", "admin", "--inspector", "jjw",
        "--no-input",
        stdout=out,
    )  # fmt: skip
    printed = out.getvalue()
    assert "下一步" in printed
    admin_once = re.search(r"：admin  一次性密码 (\S+?)（", printed).group(1)

    desk, desk_watch = new_page("desktop")
    sign_in_first_time(desk, "admin", admin_once, "admin-own-passphrase")
    made = files(tmp_path)
    for kind in ("大厅", "单位", "窗口", "工作人员", "事项", "排班"):
        import_file(desk, kind, made[kind])
    import_file(desk, "账户", made["账户"])
    handout = desk.get_by_test_id("handout")
    expect(handout).to_be_visible()
    screenshot(desk, "first-run-handout")
    row = handout.locator("tbody tr", has_text="scj")
    unit_once = row.locator("td").nth(3).inner_text().strip()
    desk.reload()
    expect(desk.get_by_test_id("handout")).to_have_count(0)  # shown once
    desk_watch.assert_clean()

    # The unit's admin signs in with the one-time password, sets its own, and prints the window's poster.
    unit, unit_watch = new_page("desktop")
    sign_in_first_time(unit, "scj", unit_once, "scj-own-passphrase")
    unit.goto("/posters/")
    window = Window.objects.get(code="A01")
    unit.locator(f'tr[data-window="{window.pk}"]').get_by_role("button", name="印发新海报").click()
    expect(unit.locator(f'tr[data-window="{window.pk}"]')).to_contain_text("第 1 版")
    poster = QrPoster.objects.get(window=window, retired_at=None)

    # A citizen scans it on the phone: 不满意, with a reason and a comment.
    phone, phone_watch = new_page("phone")
    phone.goto(f"/r/{poster.token}")
    phone.locator('label.level:has(input[value="2"])').click()
    phone.locator('.taggroup[data-level="2"] label.tag').first.click()
    phone.get_by_label("意见和建议").fill("营业执照办了两次都没办成")
    phone.get_by_label("手机号码").fill("13912345678")
    phone.get_by_role("button", name="提交评价").click()
    expect(phone.get_by_test_id("tracking-code")).to_have_text(re.compile(r"^[A-Z2-9]{10}$"))
    code = phone.get_by_test_id("tracking-code").inner_text().strip()
    phone_watch.assert_clean()

    rating = Rating.objects.select_related("staff").get(window=window)
    assert rating.staff is not None and rating.staff.name == "陈静"  # the roster's staff member on duty now

    tickets_open_pending()  # the lean intake (PostgreSQL) leaves opening the ticket to the worker's sweep
    ticket = Ticket.objects.get(tracking_code=code)
    assert ticket.unit.code == "U01"
    unit.goto("/ratings/")
    expect(unit.locator("main")).to_contain_text("陈静")
    unit.goto("/tickets/")
    unit.get_by_role("link", name=code).click()
    expect(unit.locator("main")).to_contain_text("营业执照办了两次都没办成")
    screenshot(unit, "first-run-ticket")
    unit_watch.assert_clean()
