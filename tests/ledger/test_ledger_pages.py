"""Ledger pages (list, detail, manual entry, the import page) and `pingyi ledger import` on the command line."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from helpers_files import write_csv

from pingyi.audit.models import AuditEntry
from pingyi.catalog.models import DutyShift
from pingyi.imports.models import ImportJob
from pingyi.ledger.models import ServiceRecord
from pingyi.ledger.services import records_ingest

TZ = ZoneInfo("Asia/Shanghai")
HEADERS = ["办件编号", "窗口", "经办人", "申请人电话", "受理时间"]


@pytest.fixture(autouse=True)
def _uploads(settings: Any, tmp_path: Path) -> None:
    settings.UPLOAD_ROOT = tmp_path / "uploads"


def seed(world: Any) -> None:
    recent = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    records_ingest(
        actor=world.users["unit_a"],
        records=[
            {
                "record_no": "A-NOW",
                "window": "001",
                "staff": "A-001",
                "phone": "13512345678",
                "received_at": recent,
            },
            {
                "record_no": "A-OLD",
                "window": "001",
                "phone": "13611112222",
                "received_at": "2023-12-13 09:05",
            },
        ],
    )
    records_ingest(
        actor=world.users["unit_b"],
        records=[{"record_no": "B-1", "window": "002", "received_at": "2023-12-14"}],
    )


@pytest.mark.django_db
def test_each_role_lists_only_its_scope_with_masked_phones(world):
    seed(world)
    page = world.client("unit_a").get("/ledger/").content.decode()
    assert "A-NOW" in page and "A-OLD" in page and "B-1" not in page
    assert "135****5678" in page and "13512345678" not in page
    everyone = world.client("inspector").get("/ledger/").content.decode()
    assert all(no in everyone for no in ("A-NOW", "A-OLD", "B-1"))
    assert "B-1" in world.client("hall_manager").get("/ledger/").content.decode()
    # The clerk sees the records it served, without the applicants' phones.
    clerk = world.client("clerk").get("/ledger/").content.decode()
    assert "A-NOW" in clerk and "A-OLD" not in clerk and "****" not in clerk
    assert world.client("operator").get("/ledger/").status_code == 404
    outsider = world.client("outsider").get("/ledger/").content.decode()
    assert "没有办件" in outsider and "A-NOW" not in outsider and "B-1" not in outsider
    nav = world.client("unit_a").get("/ledger/").content.decode()
    assert 'href="/ledger/"' in nav and "台账" in nav


@pytest.mark.django_db
def test_another_scopes_record_is_404(world):
    seed(world)
    other = ServiceRecord.objects.get(record_no="B-1")
    assert world.client("unit_a").get(f"/ledger/{other.pk}/").status_code == 404
    assert world.client("outsider").get(f"/ledger/{other.pk}/").status_code == 404
    assert world.client("unit_b").get(f"/ledger/{other.pk}/").status_code == 200


@pytest.mark.django_db
def test_late_entries_are_marked_and_can_be_filtered(world):
    seed(world)
    client = world.client("unit_a")
    late = client.get("/ledger/?late=on").content.decode()
    assert "A-OLD" in late and "A-NOW" not in late and "补录" in late
    old = ServiceRecord.objects.get(record_no="A-OLD")
    assert "补录" in client.get(f"/ledger/{old.pk}/").content.decode()
    dated = client.get("/ledger/?date_from=2023-12-13&date_to=2023-12-13").content.decode()
    assert "A-OLD" in dated and "A-NOW" not in dated
    by_window = world.client("inspector").get(f"/ledger/?window={world.window_b.pk}").content.decode()
    assert "B-1" in by_window and "A-OLD" not in by_window


@pytest.mark.django_db
def test_a_window_enters_a_record_by_hand_and_gets_the_receipt_code(world):
    start = datetime(2023, 12, 13, 8, 30, tzinfo=TZ)
    DutyShift.objects.create(
        window=world.window_a, staff=world.staff_a, starts_at=start, ends_at=start + timedelta(hours=4)
    )
    client = world.client("unit_a")
    form = client.get("/ledger/new/").content.decode()
    assert str(world.window_a) in form and str(world.window_b) not in form
    response = client.post(
        "/ledger/new/",
        {
            "window": world.window_a.pk,
            "received_at": "2023-12-13T09:05",
            "applicant": "王小二",
            "phone": "135 1234 5678",
            "item": world.item_a.pk,
        },
    )
    assert response.status_code == 302
    record = ServiceRecord.objects.get()
    assert record.staff == world.staff_a  # whoever was on duty then
    assert record.source == ServiceRecord.Source.MANUAL and record.record_no.startswith("SD")
    assert record.received_at == datetime(2023, 12, 13, 9, 5, tzinfo=TZ)
    detail = client.get(response["Location"]).content.decode()
    assert record.rating_code in detail and f"/r/{record.rating_code}" in detail
    assert "王*二" in detail and "135****5678" in detail and "13512345678" not in detail
    assert AuditEntry.objects.filter(action="ledger.record_create", object_id=str(record.pk)).count() == 1


@pytest.mark.django_db
def test_bad_manual_input_is_explained_in_chinese_and_kept(world):
    client = world.client("unit_a")
    response = client.post(
        "/ledger/new/",
        {"window": world.window_a.pk, "received_at": "2023-12-13T09:05", "finished_at": "2023-12-13T08:00",
         "phone": "12ab"},
    )  # fmt: skip
    assert response.status_code == 400
    body = response.content.decode()
    assert "早于受理时间" in body and "“12ab”不是有效的电话号码" in body
    assert 'value="12ab"' in body
    other_staff = client.post(
        "/ledger/new/",
        {"window": world.window_a.pk, "received_at": "2023-12-13T09:05", "staff": world.staff_b.pk},
    )
    assert other_staff.status_code == 400  # another unit's staff is not among the choices
    assert not ServiceRecord.objects.exists()
    client.post(
        "/ledger/new/", {"window": world.window_a.pk, "received_at": "2023-12-13T09:05", "record_no": "X"}
    )
    again = client.post(
        "/ledger/new/", {"window": world.window_a.pk, "received_at": "2023-12-13T10:05", "record_no": "X"}
    )
    assert again.status_code == 400 and "办件编号“X”已录入" in again.content.decode()


@pytest.mark.django_db
def test_only_editors_may_enter_or_import(world):
    for who in ("clerk", "operator"):
        assert world.client(who).get("/ledger/new/").status_code == 403
        assert world.client(who).get("/ledger/import/").status_code == 403
    response = world.client("unit_a").get("/ledger/import/", follow=True)
    assert 'value="ledger" selected' in response.content.decode()


@pytest.mark.django_db
def test_an_upload_through_the_page_imports_the_ledger(world, tmp_path, django_capture_on_commit_callbacks):
    path = write_csv(
        tmp_path / "day.csv", [HEADERS, ["P-1", "001", "A-001", "13512345678", "2023年12月13日 09:05"]]
    )
    client = world.client("unit_a")
    with django_capture_on_commit_callbacks(execute=True), path.open("rb") as upload:
        response = client.post("/imports/new/", {"kind": "ledger", "file": upload})
    body = client.get(response["Location"]).content.decode()
    assert "已导入 1 条办件：新增 1 条" in body
    assert ServiceRecord.objects.get().source == ServiceRecord.Source.IMPORT


# --- the command line ------------------------------------------------------------------------------------------


def test_the_cli_imports_and_reports_row_errors(world, live, tmp_path):
    good = write_csv(
        tmp_path / "good.csv", [["单位", *HEADERS], ["U001", "P-1", "001", "A-001", "", "2023/12/13"]]
    )
    result = live.pingyi("ledger", "import", str(good), "--district", "420113")
    assert result.returncode == 0, result.stderr
    assert "新增 1 条" in result.stdout
    assert ServiceRecord.objects.filter(record_no="P-1", staff__employee_no="A-001").exists()
    bad = write_csv(tmp_path / "bad.csv", [["单位", *HEADERS], ["U001", "P-2", "001", "", "", "2023-13-01"]])
    result = live.pingyi("ledger", "import", str(bad), "--district", "420113")
    assert result.returncode == 1
    assert "第 2 行「受理时间」：“2023-13-01”不是有效的时间" in result.stderr
    assert not ServiceRecord.objects.filter(record_no="P-2").exists()


def test_a_200_mb_csv_is_refused_at_once_and_nothing_is_stored(world, live, tmp_path):
    """The size limit (PINGYI_MAX_IMPORT_BYTES, 64 MB by default) refuses it before it is copied or read."""
    path = tmp_path / "huge.csv"
    line = "U001,BJ{:09d},001,A-001,13512345678,2023-12-13 09:05\n"
    block = "".join(line.format(i) for i in range(20_000)).encode()
    with path.open("wb") as out:
        out.write(",".join(["单位", *HEADERS]).encode() + b"\n")
        while out.tell() < 200 * 1024 * 1024:
            out.write(block)
    result = live.pingyi("ledger", "import", str(path), "--district", "420113")
    assert result.returncode != 0
    assert "文件过大（200 MB），上限为 64 MB；请拆分为多个文件后分别导入" in result.stderr
    assert not ServiceRecord.objects.exists() and not ImportJob.objects.exists()
