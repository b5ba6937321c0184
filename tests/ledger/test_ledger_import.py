"""Ledger file imports: headers and aliases, date formats, all-or-nothing with row-level errors, idempotency."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from pingyi.audit.models import AuditEntry
from pingyi.imports.models import ImportJob
from pingyi.imports.runner import run_import_job
from pingyi.imports.services import import_job_create
from pingyi.ledger.models import ServiceRecord
from pingyi.lib import crypto
from tests.helpers_files import write_csv, write_xlsx

HEADERS = ["办件编号", "事项编码", "窗口", "经办人", "申请人", "申请人电话", "受理时间", "办结时间"]
TZ = ZoneInfo("Asia/Shanghai")


def row(no: str, **over: str) -> list[str]:
    values = {
        "办件编号": no,
        "事项编码": "420113001",
        "窗口": "001",
        "经办人": "A-001",
        "申请人": "王小二",
        "申请人电话": "13512345678",
        "受理时间": "2023-12-13 09:05",
        "办结时间": "2023-12-13 09:40",
    }
    values.update({k: v for k, v in over.items()})
    return [values[h] for h in HEADERS]


def run(world: Any, who: str | None, path: Path) -> ImportJob:
    actor = world.users[who] if who else None
    with path.open("rb") as stream:
        job = import_job_create(
            actor=actor,
            kind="ledger",
            stream=stream,
            original_name=path.name,
            district=world.district,
            enqueue=False,
        )
    return run_import_job(job.pk)


def messages(job: ImportJob) -> list[tuple[int, str, str]]:
    return [(e["row"], e["column"], e["message"]) for e in job.errors]


@pytest.mark.django_db
def test_a_unit_admin_imports_its_records_with_chinese_headers(world, tmp_path):
    path = write_csv(tmp_path / "台账.csv", [HEADERS, row("BJ-1"), row("BJ-2", 申请人电话="", 办结时间="")])
    before = timezone.now()
    job = run(world, "unit_a", path)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert job.created_count == 2
    first = ServiceRecord.objects.get(unit=world.unit_a, record_no="BJ-1")
    assert (first.window, first.staff, first.item) == (world.window_a, world.staff_a, world.item_a)
    assert first.received_at == datetime(2023, 12, 13, 9, 5, tzinfo=TZ)
    assert first.stage == ServiceRecord.Stage.FINISHED
    assert first.source == ServiceRecord.Source.IMPORT
    assert first.entered_by == world.users["unit_a"]
    assert first.entered_at >= before  # set by the server, not taken from the file
    assert first.phone_masked == "135****5678"
    assert first.phone_index == crypto.blind_index("13512345678")
    assert "13512345678" not in first.phone_ciphertext and first.phone_plain() == "13512345678"
    assert crypto.decrypt(first.applicant_ciphertext) == "王小二"
    second = ServiceRecord.objects.get(record_no="BJ-2")
    assert second.stage == ServiceRecord.Stage.ACCEPTED and second.phone_index == ""
    assert first.rating_code != second.rating_code
    entries = AuditEntry.objects.filter(action="import.ledger")
    assert entries.count() == 1  # one entry for the batch, with counts
    assert entries.get().after["created"] == 2


@pytest.mark.django_db
def test_exchange_format_names_and_an_xlsx_with_every_date_form(world, tmp_path):
    headers = ["projectNo", "deptName", "taskCode", "windowCode", "proManager", "applyerMobile", "acceptDate"]
    rows = [
        ["P1", "区市场监管局", "420113001", "001", "张敏", "+86 135-1234-5678", "2023/12/13"],
        ["P2", "区城管局", "420113002", "002", "B-001", "", "2023年12月13日"],
        ["P3", "区城管局", "", "", "", "", "2023年12月13日 14:30"],
        ["P4", "区城管局", "", "", "", "", datetime(2023, 12, 14, 8, 45)],
        ["P5", "区城管局", "", "", "", "", "2023/1/5 9:05"],
    ]
    job = run(world, "inspector", write_xlsx(tmp_path / "exchange.xlsx", [headers, *rows]))
    assert job.status == ImportJob.Status.DONE, job.errors
    got = {r.record_no: r for r in ServiceRecord.objects.all()}
    assert got["P1"].staff == world.staff_a and got["P1"].phone_masked == "135****5678"
    assert got["P2"].unit == world.unit_b and got["P2"].staff == world.staff_b
    assert got["P2"].received_at == datetime(2023, 12, 13, tzinfo=TZ)
    assert got["P3"].received_at == datetime(2023, 12, 13, 14, 30, tzinfo=TZ)
    assert got["P4"].received_at == datetime(2023, 12, 14, 8, 45, tzinfo=TZ)
    assert got["P5"].received_at == datetime(2023, 1, 5, 9, 5, tzinfo=TZ)


@pytest.mark.django_db
def test_bad_text_dates_and_lookups_are_row_errors_and_nothing_is_imported(world, tmp_path):
    rows = [
        HEADERS,
        row("OK-1"),
        row("BAD-1", 受理时间="13/12/2023"),
        row("BAD-2", 受理时间="2023年13月1日"),
        row("BAD-3", 办结时间="2023-12-13 08:00"),
        row("BAD-4", 窗口="999", 经办人="无名氏", 申请人电话="12ab"),
        row("BAD-5", 事项编码="420113002"),
        row("BAD-6", 受理时间=""),
        row("BAD-7", 受理时间="2099-01-01"),
    ]
    job = run(world, "unit_a", write_csv(tmp_path / "bad.csv", rows))
    assert job.status == ImportJob.Status.FAILED
    assert ServiceRecord.objects.count() == 0
    got = messages(job)
    assert (
        3,
        "受理时间",
        "“13/12/2023”不是有效的时间，应为 2023-12-13 09:05、2023/12/13 或 2023年12月13日 这样的格式",
    ) in got
    assert any(r == 4 and c == "受理时间" for r, c, _ in got)
    assert (5, "办结时间", "早于受理时间") in got
    assert {(r, c) for r, c, _ in got if r == 6} == {(6, "窗口"), (6, "经办人"), (6, "申请人电话")}
    assert (7, "事项编码", "事项“420113002”不属于该单位") in got
    assert (8, "受理时间", "不能为空") in got
    assert (9, "受理时间", "“2099-01-01”晚于当前时间") in got
    assert "未导入任何数据" in job.message


@pytest.mark.django_db
def test_duplicate_record_numbers_in_the_file_are_refused_with_both_rows(world, tmp_path):
    rows = [HEADERS, row("D-1"), row("D-2"), row("D-1", 申请人="李四")]
    job = run(world, "unit_a", write_csv(tmp_path / "dups.csv", rows))
    assert job.status == ImportJob.Status.FAILED
    assert messages(job) == [(4, "办件编号", "办件编号“D-1”与第 2 行重复")]
    assert ServiceRecord.objects.count() == 0


@pytest.mark.django_db
def test_a_reimport_does_not_duplicate_and_a_changed_record_is_refused(world, tmp_path):
    path = write_csv(tmp_path / "day.csv", [HEADERS, row("R-1"), row("R-2")])
    assert run(world, "unit_a", path).created_count == 2
    again = run(world, "unit_a", path)
    assert again.status == ImportJob.Status.DONE
    assert (again.created_count, again.updated_count) == (0, 2)
    assert "2 条与已录入的完全相同" in again.message
    assert ServiceRecord.objects.count() == 2
    changed = write_csv(
        tmp_path / "changed.csv", [HEADERS, row("R-1"), row("R-2", 申请人电话="13900000000"), row("R-3")]
    )
    job = run(world, "unit_a", changed)
    assert job.status == ImportJob.Status.FAILED
    assert [(r, c) for r, c, _ in messages(job)] == [(3, "办件编号")]
    assert "已录入，内容与已录入的记录不同" in job.errors[0]["message"]
    assert not ServiceRecord.objects.filter(record_no="R-3").exists()


@pytest.mark.django_db
def test_an_error_in_the_last_row_of_a_big_file_leaves_nothing_behind(world, tmp_path):
    rows: list[list[str]] = [HEADERS] + [row(f"N-{i}") for i in range(12_000)]
    rows.append(row("N-LAST", 受理时间="昨天"))
    job = run(world, "unit_a", write_csv(tmp_path / "big.csv", rows))
    assert job.status == ImportJob.Status.FAILED
    assert messages(job)[0][0] == 12_002
    assert job.processed_rows == 12_001
    assert ServiceRecord.objects.count() == 0
    fixed = write_csv(tmp_path / "big-fixed.csv", rows[:-1])
    assert run(world, "unit_a", fixed).created_count == 12_000


@pytest.mark.django_db
def test_a_unit_admin_cannot_import_for_another_unit(world, tmp_path):
    rows = [["单位", *HEADERS], ["区城管局", *row("X-1", 事项编码="", 窗口="", 经办人="")]]
    job = run(world, "unit_a", write_csv(tmp_path / "other.csv", rows))
    assert job.status == ImportJob.Status.FAILED
    assert messages(job) == [(2, "单位", "找不到单位“区城管局”，或不在您的管理范围内")]
    # A hall manager may, for units in its hall; the sub-centre's manager may not.
    assert run(world, "hall_manager", write_csv(tmp_path / "h.csv", rows)).status == ImportJob.Status.DONE
    assert run(world, "sub_manager", write_csv(tmp_path / "s.csv", rows)).status == ImportJob.Status.FAILED


@pytest.mark.django_db
def test_a_file_for_several_units_needs_a_unit_column(world, tmp_path):
    job = run(world, "inspector", write_csv(tmp_path / "nounit.csv", [HEADERS, row("U-1")]))
    assert job.status == ImportJob.Status.FAILED
    assert messages(job)[0][1] == "单位" and "缺少“单位”列" in messages(job)[0][2]


@pytest.mark.django_db
def test_missing_required_columns_are_named(world, tmp_path):
    job = run(world, "unit_a", write_csv(tmp_path / "cols.csv", [["事项编码", "窗口"], ["420113001", "001"]]))
    assert job.status == ImportJob.Status.FAILED
    assert {(e["column"], e["message"]) for e in job.errors} == {
        ("办件编号", "缺少必填列“办件编号”"),
        ("受理时间", "缺少必填列“受理时间”"),
    }


@pytest.mark.django_db
def test_merged_header_cells_get_a_clear_message(world, tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["区市场监管局 2023年12月 工作台账"])
    sheet.merge_cells("A1:H1")
    sheet.append(HEADERS)
    sheet.append(row("M-1"))
    path = tmp_path / "merged.xlsx"
    workbook.save(path)
    job = run(world, "unit_a", path)
    assert job.status == ImportJob.Status.FAILED
    assert "合并单元格" in job.errors[0]["message"]
    assert ServiceRecord.objects.count() == 0


@pytest.mark.django_db
def test_wrong_encoding_is_refused_and_gbk_is_read(world, tmp_path):
    utf16 = write_csv(tmp_path / "utf16.csv", [HEADERS, row("E-1")], encoding="utf-16")
    job = run(world, "unit_a", utf16)
    assert job.status == ImportJob.Status.FAILED
    assert "UTF-8 或 GB18030" in job.message
    gbk = write_csv(tmp_path / "gbk.csv", [HEADERS, row("E-2")], encoding="gbk")
    assert run(world, "unit_a", gbk).status == ImportJob.Status.DONE
    assert crypto.decrypt(ServiceRecord.objects.get().applicant_ciphertext) == "王小二"


@pytest.mark.django_db
def test_a_legacy_xls_file_is_refused_in_chinese(world, tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096)
    job = run(world, "unit_a", path)
    assert job.status == ImportJob.Status.FAILED
    assert "另存为 .xlsx" in job.message
    assert ServiceRecord.objects.count() == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-12-13 09:05", datetime(2023, 12, 13, 9, 5)),
        ("2023-12-13 09:05:30", datetime(2023, 12, 13, 9, 5, 30)),
        ("2023-12-13", datetime(2023, 12, 13)),
        ("20231213", datetime(2023, 12, 13)),
        ("2023/12/13", datetime(2023, 12, 13)),
        ("2023/1/5 9:05", datetime(2023, 1, 5, 9, 5)),
        ("2023.12.13 09:05", datetime(2023, 12, 13, 9, 5)),
        ("2023年12月13日", datetime(2023, 12, 13)),
        ("2023年12月13日 09:05", datetime(2023, 12, 13, 9, 5)),
        ("2023年12月13日9时5分", datetime(2023, 12, 13, 9, 5)),
        ("2023-12-13 09:05:30.25", datetime(2023, 12, 13, 9, 5, 30, 250000)),
        ("2023/12/13 09:05:07", datetime(2023, 12, 13, 9, 5, 7)),
    ],
)
def test_every_documented_date_form_parses(text, expected):
    from pingyi.ledger.validation import parse_when

    assert parse_when(text, TZ) == expected.replace(tzinfo=TZ)


@pytest.mark.parametrize(
    "text",
    ["13/12/2023", "昨天", "45273.5", "2023-02-30", "2023年12月", "2023/2/30 09:05", "2023-12-13 24:00"],
)
def test_other_date_forms_are_refused(text):
    from pingyi.ledger.validation import parse_when

    with pytest.raises(ValueError):
        parse_when(text, TZ)


def test_an_offset_in_the_text_is_kept():
    from pingyi.ledger.validation import parse_when

    assert parse_when("2023-12-13T01:05:00+00:00", TZ) == datetime(2023, 12, 13, 9, 5, tzinfo=TZ)


@pytest.mark.django_db
def test_an_ambiguous_window_code_or_staff_name_is_a_row_error_not_a_guess(world, tmp_path):
    from pingyi.catalog.models import Staff, Window

    Window.objects.create(hall=world.sub_hall, unit=world.unit_a, code="001", name="沌口分中心001号窗口")
    Staff.objects.create(unit=world.unit_a, employee_no="A-009", name="张敏")
    rows = [HEADERS, row("AM-1", 经办人="张敏"), row("AM-2", 窗口="沌口分中心001号窗口", 经办人="A-009")]
    job = run(world, "unit_a", write_csv(tmp_path / "ambiguous.csv", rows))
    assert job.status == ImportJob.Status.FAILED
    assert messages(job) == [
        (2, "窗口", "“001”有多个同编号或同名的窗口"),
        (2, "经办人", "“张敏”有多个同名人员，请填写工号"),
    ]
