"""Uploading a staff list with one bad row: the page shows the row-level errors and nothing is imported."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import login, screenshot

pytestmark = pytest.mark.browser

STAFF_CSV = (
    "单位,工号,姓名,电话,职务\n"
    "U001,A-100,李雷,13800009999,窗口受理\n"
    "U001,A-101,韩梅梅,12345,窗口受理\n"
    "U001,A-102,王芳,13800007777,\n"
)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_bad_row_is_listed_and_nothing_is_imported(world, new_page, size):
    page, watch = new_page(size)
    login(page, world.users["unit_a"].username)
    page.goto("/imports/")
    page.get_by_role("link", name="上传文件").click()
    expect(page.get_by_role("heading", name="上传文件")).to_be_visible()

    page.get_by_label("导入内容").select_option(label="工作人员")
    page.get_by_label("文件").set_input_files(
        {"name": "工作人员.csv", "mimeType": "text/csv", "buffer": STAFF_CSV.encode("utf-8")}
    )
    screenshot(page, f"import-form-{size}")
    page.get_by_role("button", name="开始导入").click()

    progress = page.locator("#job-progress")
    expect(progress).to_be_visible()
    expect(progress).to_have_attribute("data-status", "failed", timeout=30_000)
    expect(progress).to_contain_text("未导入任何数据")

    errors = page.get_by_test_id("import-errors")
    expect(errors).to_be_visible()
    rows = errors.locator("tbody tr")
    expect(rows).to_have_count(1)
    cells = rows.first.locator("td")
    expect(cells.nth(0)).to_have_text("3")  # the header is row 1, so 韩梅梅 is row 3
    expect(cells.nth(1)).to_have_text("电话")
    expect(cells.nth(2)).to_contain_text("12345")
    screenshot(page, f"import-errors-{size}")

    # The good rows were not imported either: the staff list still lacks them.
    page.goto("/catalog/staff/")
    expect(page.locator("main table")).to_contain_text("张敏")
    expect(page.locator("main table")).not_to_contain_text("李雷")
    expect(page.locator("main table")).not_to_contain_text("王芳")

    # The job is listed on the imports page as failed.
    page.goto("/imports/")
    expect(page.locator("main table")).to_contain_text("工作人员.csv")
    expect(page.locator("main table")).to_contain_text("有错误，未导入")
    watch.assert_clean()


def test_a_clean_file_is_imported(world, new_page):
    page, watch = new_page("desktop")
    login(page, world.users["unit_a"].username)
    page.goto("/imports/new/")
    page.get_by_label("导入内容").select_option(label="工作人员")
    good = "\n".join(line for line in STAFF_CSV.splitlines() if "12345" not in line) + "\n"
    page.get_by_label("文件").set_input_files(
        {"name": "staff.csv", "mimeType": "text/csv", "buffer": good.encode()}
    )
    page.get_by_role("button", name="开始导入").click()

    progress = page.locator("#job-progress")
    expect(progress).to_have_attribute("data-status", "done", timeout=30_000)
    expect(progress).to_contain_text("新增 2 条")
    expect(page.get_by_test_id("import-errors")).to_have_count(0)

    page.goto("/catalog/staff/")
    expect(page.locator("main table")).to_contain_text("李雷")
    expect(page.locator("main table")).to_contain_text("王芳")
    watch.assert_clean()
