"""Catalogue imports: good files in every format import everything; any bad row imports nothing and says where."""

from __future__ import annotations

import zipfile
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from helpers_files import catalogue_state, write_csv, write_file, write_xlsx

from pingyi.audit.models import AuditEntry
from pingyi.catalog.hours import format_hours
from pingyi.catalog.models import ServiceItem, Staff, Unit, Window
from pingyi.imports.models import ImportJob
from pingyi.imports.services import import_job_create
from pingyi.lib.codes import credit_code_check_char
from tests.catalog.importing import run

FORMATS = ["xlsx", "utf-8", "utf-8-sig", "gb18030"]
KINDS = ["units", "windows", "staff", "items"]


def credit(n: int) -> str:
    body = f"12420113{n:09d}"
    return body + credit_code_check_char(body)


HEADERS = {
    "units": ["单位编码", "单位名称", "统一社会信用代码", "所在大厅", "参评"],
    "windows": ["大厅", "窗口编号", "窗口名称", "单位", "办公时间"],
    "staff": ["单位", "工号", "姓名", "电话", "职务", "在岗"],
    "items": ["事项编码", "事项名称", "单位", "办理窗口"],
}
# Two new rows and one update of a row the world fixture already has, per kind.
GOOD = {
    "units": [
        ["U010", "区税务局", credit(10), "H01", "是"],
        ["U011", "沌口税务所", credit(11), "沌口街道便民服务中心", "否"],
        ["U001", "区市场监督管理局", credit(1), "H01", ""],
    ],
    "windows": [
        ["H01", "003", "市场监管综合窗口", "U001", "周一至周五 08:30-12:00,14:00-17:30；周六 09:00-12:00"],
        ["沌口街道便民服务中心", "02", "城管窗口", "U003", "工作日 09:00-17:00"],
        ["H01", "001", "区市场监管局1号窗口", "区市场监管局", "周一至周五 09:00-12:00"],
    ],
    "staff": [
        ["U001", "A-002", "李娜", "138 0000 5555", "科员", "是"],
        ["区城管局", "B-002", "王强", "", "", "否"],
        ["U001", "A-001", "张敏", "", "科长", ""],
    ],
    "items": [
        ["420113003", "食品经营许可", "U001", "001"],
        ["420113004", "城市道路占用许可", "U002", "002"],
        ["420113001", "个体工商户设立登记（变更）", "U001", "001"],
    ],
}
BAD_ROW = 2 + len(GOOD["units"])  # the first row after the good ones, counting the header as row 1


def good_rows(kind: str) -> list[list[Any]]:
    return [HEADERS[kind], *(list(row) for row in GOOD[kind])]


def assert_refused(job: ImportJob, row: int, column: str, message: str) -> None:
    assert job.status == ImportJob.Status.FAILED
    assert "未导入任何数据" in job.message or job.message == job.errors[0]["message"]
    matching = [
        e for e in job.errors if e["row"] == row and e["column"] == column and message in e["message"]
    ]
    assert matching, job.errors


# --- good files ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", KINDS)
def test_a_good_file_imports_every_row(world, tmp_path, kind, fmt):
    job = run(world, "hall_manager", kind, write_file(tmp_path / kind, good_rows(kind), fmt))
    assert job.status == ImportJob.Status.DONE, job.errors
    assert (job.created_count, job.updated_count) == (2, 1)
    assert job.message == "已导入 3 行：新增 2，更新 1"
    entry = AuditEntry.objects.filter(action=f"import.{kind}").get()
    assert entry.after["created"] == 2 and entry.after["file"] == job.original_name
    if kind == "units":
        assert Unit.objects.get(district=world.district, code="U011").hall == world.sub_hall
        assert Unit.objects.get(district=world.district, code="U011").active is False
        assert Unit.objects.get(district=world.district, code="U001").name == "区市场监督管理局"
    elif kind == "windows":
        new = Window.objects.get(hall=world.hall, code="003")
        assert format_hours(list(new.hours.all())) == GOOD["windows"][0][4]
        assert Window.objects.get(hall=world.sub_hall, code="02").hours.count() == 5
        world.window_a.refresh_from_db()
        assert format_hours(list(world.window_a.hours.all())) == "周一至周五 09:00-12:00"
    elif kind == "staff":
        assert Staff.objects.get(unit=world.unit_a, employee_no="A-002").phone_plain() == "13800005555"
        assert Staff.objects.get(unit=world.unit_b, employee_no="B-002").active is False
        updated = Staff.objects.get(unit=world.unit_a, employee_no="A-001")
        assert (updated.title, updated.phone_plain()) == (
            "科长",
            "13800001111",
        )  # an empty phone keeps the old one
    else:
        assert list(ServiceItem.objects.get(code="420113003").windows.all()) == [world.window_a]
        assert ServiceItem.objects.get(code="420113001").name == "个体工商户设立登记（变更）"


def test_excel_numbers_and_header_aliases_are_understood(world, tmp_path):
    rows = [["事项统一编码", "事项名称（必填）", "deptCode", "窗口"], [420113005, "劳动仲裁", "U002", None]]
    job = run(world, "hall_manager", "items", write_xlsx(tmp_path / "items.xlsx", rows))
    assert job.status == ImportJob.Status.DONE, job.errors
    assert ServiceItem.objects.get(code="420113005").unit == world.unit_b


@pytest.mark.parametrize("blank", ["missing column", "empty cell"])
def test_optional_columns_left_out_keep_what_is_there(world, tmp_path, blank):
    Unit.objects.filter(pk=world.unit_b.pk).update(active=False)
    Staff.objects.filter(pk=world.staff_a.pk).update(title="科长", active=False)
    files = {
        "units": [HEADERS["units"], ["U002", "区城管局", credit(2), "H01", ""]],
        "staff": [HEADERS["staff"], ["U001", "A-001", "张敏", "", "", ""]],
        "items": [HEADERS["items"], ["420113001", "个体工商户设立登记", "U001", ""]],
    }
    for kind, rows in files.items():
        if blank == "missing column":
            rows = [row[: 3 if kind != "units" else 4] for row in rows]
        job = run(world, "hall_manager", kind, write_csv(tmp_path / f"{kind}.csv", rows))
        assert (job.status, job.updated_count) == (ImportJob.Status.DONE, 1), job.errors
    assert Unit.objects.get(pk=world.unit_b.pk).active is False
    staff = Staff.objects.get(pk=world.staff_a.pk)
    assert (staff.title, staff.active, staff.phone_plain()) == ("科长", False, "13800001111")
    assert list(world.item_a.windows.all()) == [world.window_a]


def test_optional_columns_filled_in_change_an_existing_row(world, tmp_path):
    rows = [HEADERS["staff"], ["U001", "A-001", "张敏", "13900009999", "副科长", "离岗"]]
    assert (
        run(world, "hall_manager", "staff", write_csv(tmp_path / "s.csv", rows)).status
        == ImportJob.Status.DONE
    )
    staff = Staff.objects.get(pk=world.staff_a.pk)
    assert (staff.title, staff.active, staff.phone_plain()) == ("副科长", False, "13900009999")
    rows = [
        HEADERS["items"],
        ["420113001", "个体工商户设立登记", "U001", "001"],
        ["420113009", "新事项", "U002", "002"],
    ]
    assert (
        run(world, "hall_manager", "items", write_csv(tmp_path / "i.csv", rows)).status
        == ImportJob.Status.DONE
    )
    assert list(ServiceItem.objects.get(code="420113009").windows.all()) == [world.window_b]


def test_progress_counts_the_rows_of_a_csv_without_a_final_newline(world, tmp_path):
    path = tmp_path / "staff.csv"
    path.write_bytes("单位,工号,姓名\r\nU001,A-002,李娜\r\nU001,A-003,王五".encode())
    job = run(world, "unit_a", "staff", path)
    assert (job.status, job.total_rows, job.processed_rows, job.created_count) == (
        ImportJob.Status.DONE,
        2,
        2,
        2,
    )
    body = world.client("unit_a").get(f"/imports/{job.pk}/").content.decode()
    assert "已检查 2 / 2 行" in body


def test_a_damaged_workbook_fails_the_job_instead_of_leaving_it_running(world, tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", good_rows("staff"))
    damaged = tmp_path / "staff.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(damaged, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, data[: len(data) // 2] if name == "xl/worksheets/sheet1.xml" else data)
    before = catalogue_state()
    job = run(world, "hall_manager", "staff", damaged)
    assert job.status == ImportJob.Status.FAILED
    assert job.errors[0]["message"] == "文件不是有效的 .xlsx 工作簿（工作表已损坏）"
    assert catalogue_state() == before


# --- row-level errors ------------------------------------------------------------------------------------------


def _with(kind: str, *extra: list[Any]) -> list[list[Any]]:
    return [*good_rows(kind), *extra]


def _without(kind: str, column: str) -> list[list[Any]]:
    i = HEADERS[kind].index(column)
    return [row[:i] + row[i + 1 :] for row in good_rows(kind)]


def tweak(kind: str, row: int, column: str, value: str) -> list[list[Any]]:
    rows = good_rows(kind)
    rows[row - 1][HEADERS[kind].index(column)] = value
    return rows


BAD_CREDIT = credit(12)[:-1] + ("0" if credit(12)[-1] != "0" else "1")
# (kind, uploader, rows, expected row, column, message)
ROW_CASES = {
    "units-missing-column": (
        "units",
        "hall_manager",
        _without("units", "统一社会信用代码"),
        1,
        "统一社会信用代码",
        "缺少必填列“统一社会信用代码”",
    ),
    "windows-missing-column": (
        "windows",
        "hall_manager",
        _without("windows", "办公时间"),
        1,
        "办公时间",
        "缺少必填列",
    ),
    "staff-missing-column": (
        "staff",
        "hall_manager",
        _without("staff", "工号"),
        1,
        "工号",
        "缺少必填列“工号”",
    ),
    "items-missing-column": (
        "items",
        "hall_manager",
        _without("items", "单位"),
        1,
        "单位",
        "缺少必填列“单位”",
    ),
    "units-duplicate-code": (
        "units",
        "hall_manager",
        _with("units", ["U010", "重复", credit(12), "H01", "是"]),
        BAD_ROW,
        "单位编码",
        "与第 2 行重复",
    ),
    "units-duplicate-credit-code": (
        "units",
        "hall_manager",
        _with("units", ["U012", "重复", credit(10), "H01", ""]),
        BAD_ROW,
        "统一社会信用代码",
        "与第 2 行重复",
    ),
    "windows-duplicate-code": (
        "windows",
        "hall_manager",
        _with("windows", ["H01", "003", "重复", "U001", "08:00-12:00"]),
        BAD_ROW,
        "窗口编号",
        "与第 2 行重复",
    ),
    "staff-duplicate-code": (
        "staff",
        "hall_manager",
        _with("staff", ["U001", "A-002", "重复", "", "", ""]),
        BAD_ROW,
        "工号",
        "与第 2 行重复",
    ),
    "items-duplicate-code": (
        "items",
        "hall_manager",
        _with("items", ["420113003", "重复", "U001", ""]),
        BAD_ROW,
        "事项编码",
        "与第 2 行重复",
    ),
    "hours-25": (
        "windows",
        "hall_manager",
        tweak("windows", 3, "办公时间", "周一至周五 08:30-25:00"),
        3,
        "办公时间",
        "时间“25:00”无效",
    ),
    "hours-backwards": (
        "windows",
        "hall_manager",
        tweak("windows", 4, "办公时间", "12:00-08:00"),
        4,
        "办公时间",
        "时间段“12:00-08:00”的结束时间应晚于开始时间",
    ),
    "hours-overlap": (
        "windows",
        "hall_manager",
        tweak("windows", 2, "办公时间", "周一 08:00-12:00,11:00-13:00"),
        2,
        "办公时间",
        "周一的时间段重叠",
    ),
    "credit-check-char": (
        "units",
        "hall_manager",
        _with("units", ["U012", "新单位", BAD_CREDIT, "H01", ""]),
        BAD_ROW,
        "统一社会信用代码",
        f"“{BAD_CREDIT}”无效",
    ),
    "credit-letter-I": (
        "units",
        "hall_manager",
        _with("units", ["U012", "新单位", "9142011I" + "0" * 10, "H01", ""]),
        BAD_ROW,
        "统一社会信用代码",
        "无效（应为18位且校验位正确）",
    ),
    "unknown-hall": (
        "units",
        "hall_manager",
        tweak("units", 2, "所在大厅", "H99"),
        2,
        "所在大厅",
        "找不到大厅“H99”",
    ),
    "hall-of-other-district": (
        "windows",
        "hall_manager",
        tweak("windows", 2, "大厅", "邻区市民服务中心"),
        2,
        "大厅",
        "找不到大厅“邻区市民服务中心”",
    ),
    "unknown-unit": (
        "windows",
        "hall_manager",
        tweak("windows", 3, "单位", "U999"),
        3,
        "单位",
        "找不到单位“U999”",
    ),
    "unknown-window": (
        "items",
        "hall_manager",
        tweak("items", 2, "办理窗口", "001、009"),
        2,
        "办理窗口",
        "单位“区市场监管局”没有编号为“009”的窗口",
    ),
    "bad-flag": (
        "staff",
        "hall_manager",
        tweak("staff", 2, "在岗", "也许"),
        2,
        "在岗",
        "“也许”应为“是”或“否”",
    ),
    "bad-phone": (
        "staff",
        "hall_manager",
        tweak("staff", 2, "电话", "12ab"),
        2,
        "电话",
        "不是有效的电话号码",
    ),
    "empty-cell": ("items", "hall_manager", tweak("items", 3, "事项名称", ""), 3, "事项名称", "不能为空"),
    "staff-of-other-unit": (
        "staff",
        "unit_a",
        tweak("staff", 3, "单位", "U002"),
        3,
        "单位",
        "找不到单位“U002”，或不在您的管理范围内",
    ),
    "window-of-other-unit": (
        "windows",
        "unit_a",
        [HEADERS["windows"], GOOD["windows"][0], ["H01", "005", "城管窗口", "U002", "08:00-12:00"]],
        3,
        "单位",
        "找不到单位“U002”，或不在您的管理范围内",
    ),
    "item-of-other-unit": (
        "items",
        "unit_a",
        [HEADERS["items"], GOOD["items"][0], ["420113002", "改名", "U001", ""]],
        3,
        "事项编码",
        "该事项已存在且不在您的管理范围内",
    ),
    "unit-outside-sub-hall": (
        "units",
        "sub_manager",
        [HEADERS["units"], ["U003", "沌口所", credit(3), "H02", ""], ["U001", "改名", credit(1), "H02", ""]],
        3,
        "单位编码",
        "单位“U001”已存在且不在您的管理范围内",
    ),
}


@pytest.mark.parametrize("fmt", ["xlsx", "gb18030"])
@pytest.mark.parametrize("case", list(ROW_CASES))
def test_a_bad_row_is_reported_by_row_and_column_and_nothing_is_imported(world, tmp_path, case, fmt):
    kind, who, rows, row, column, message = ROW_CASES[case]
    before = catalogue_state()
    job = run(world, who, kind, write_file(tmp_path / kind, rows, fmt))
    assert_refused(job, row, column, message)
    assert job.error_count == len(job.errors) == 1
    assert catalogue_state() == before
    assert not AuditEntry.objects.filter(action=f"import.{kind}").exists()


def test_every_problem_of_every_row_is_listed(world, tmp_path):
    rows = _with("units", ["U012", "", "123", "H99", "也许"], ["U010", "重名", credit(13), "H01", ""])
    job = run(world, "hall_manager", "units", write_csv(tmp_path / "u.csv", rows))
    found = {(e["row"], e["column"]) for e in job.errors}
    assert found == {(5, "单位名称"), (5, "统一社会信用代码"), (5, "所在大厅"), (5, "参评"), (6, "单位编码")}
    assert job.error_count == 5 and "发现 5 处错误" in job.message


def test_a_unit_admin_may_not_import_units_at_all(world, tmp_path):
    path = write_csv(tmp_path / "u.csv", good_rows("units"))
    with pytest.raises(PermissionDenied), path.open("rb") as stream:
        import_job_create(actor=world.users["unit_a"], kind="units", stream=stream, original_name=path.name)
    assert not ImportJob.objects.exists()


# --- whole-file errors -----------------------------------------------------------------------------------------


ASCII_UNITS = "deptCode,deptName,creditCode,hallCode\r\nU010,{name},{credit},H01\r\n"
FILE_CASES = {
    "empty": ("units.csv", b"", "文件为空"),
    "empty-xlsx-name": ("units.xlsx", b"", "文件为空"),
    "header-only": (
        "units.csv",
        "单位编码,单位名称,统一社会信用代码,所在大厅\r\n".encode(),
        "文件中没有数据行",
    ),
    "utf-16": (
        "units.csv",
        "\r\n".join(",".join(r) for r in good_rows("units")[:2]).encode("utf-16"),
        "无法识别文件编码：CSV 文件应为 UTF-8 或 GB18030（GBK）编码",
    ),
    "latin-1": (
        "units.csv",
        ASCII_UNITS.format(name="Café Genève", credit=credit(10)).encode("latin-1"),
        "无法识别文件编码",
    ),
    "legacy-xls": (
        "units.xls",
        bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 504,
        "不支持旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 CSV 后再导入",
    ),
    "xls-renamed-csv": (
        "units.csv",
        bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 504,
        "不支持旧版 Excel（.xls）",
    ),
    "broken-zip": (
        "units.xlsx",
        b"PK\x03\x04" + b"not really a workbook" * 10,
        "文件不是有效的 .xlsx 工作簿",
    ),
}


@pytest.mark.parametrize("case", list(FILE_CASES))
def test_a_file_that_cannot_be_read_is_refused_clearly(world, tmp_path, case):
    name, data, message = FILE_CASES[case]
    path = tmp_path / name
    path.write_bytes(data)
    before = catalogue_state()
    job = run(world, "hall_manager", "units", path)
    assert job.status == ImportJob.Status.FAILED
    assert job.errors[0]["row"] == 0 and message in job.errors[0]["message"]
    assert message in job.message
    assert catalogue_state() == before


def test_a_large_csv_with_one_bad_row_near_the_end_imports_nothing(world, tmp_path):
    name = "行政许可事项名称" * 8  # 64 characters, 192 bytes in UTF-8
    rows = [f"42011310{n:07d},{name}{n},U00{1 + n % 2},\r\n" for n in range(100_000)]
    bad_row = len(rows) - 3  # data row index → file row number + 2 below
    rows[bad_row] = rows[bad_row].replace(",U00", ",U99")
    path = tmp_path / "items.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("事项编码,事项名称,单位,办理窗口\r\n")
        out.writelines(rows)
    assert path.stat().st_size > 20 * 1024 * 1024
    before = catalogue_state()
    job = run(world, "hall_manager", "items", path)
    assert job.status == ImportJob.Status.FAILED
    assert job.errors == [
        {
            "row": bad_row + 2,
            "column": "单位",
            "message": f"找不到单位“U99{1 + bad_row % 2}”，或不在您的管理范围内",
        }
    ]
    assert (job.total_rows, job.processed_rows) == (100_000, 100_000)
    assert catalogue_state() == before
