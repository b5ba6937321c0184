"""Catalogue imports through the upload page (with its progress) and the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers_files import LiveDatabase, catalogue_state, write_csv, write_file, write_xlsx

from pingyi.catalog.hours import format_hours, parse_hours
from pingyi.catalog.models import Staff, Window
from pingyi.imports.models import ImportJob
from tests.catalog.test_catalog_imports import GOOD, HEADERS, good_rows, tweak

# --- the upload page -------------------------------------------------------------------------------------------


def test_a_unit_admin_uploads_a_file_and_reads_the_errors_on_the_job_page(
    world, tmp_path, django_capture_on_commit_callbacks
):
    client = world.client("unit_a")
    form = client.get("/imports/new/").content.decode()
    assert 'value="staff"' in form and 'value="units"' not in form
    path = write_csv(tmp_path / "staff.csv", tweak("staff", 3, "单位", "U002"), "gb18030")
    before = catalogue_state()
    with django_capture_on_commit_callbacks(execute=True), path.open("rb") as upload:
        response = client.post("/imports/new/", {"kind": "staff", "file": upload})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert response["Location"] == f"/imports/{job.pk}/"
    page = client.get(response["Location"])
    body = page.content.decode()
    assert "有错误，未导入" in body and 'data-testid="import-errors"' in body
    assert "<td>3</td><td>单位</td><td>找不到单位“U002”，或不在您的管理范围内</td>" in body
    assert "发现 1 处错误，未导入任何数据" in body
    assert catalogue_state() == before
    # The htmx poll gets the progress box alone; another unit's admin cannot see the job.
    partial = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith("<section") and "找不到单位“U002”" in partial
    assert world.client("unit_b").get(response["Location"]).status_code == 404


def test_a_good_upload_through_the_page_imports_and_says_so(
    world, tmp_path, django_capture_on_commit_callbacks
):
    client = world.client("unit_a")
    path = write_xlsx(tmp_path / "staff.xlsx", [HEADERS["staff"], GOOD["staff"][0]])
    with django_capture_on_commit_callbacks(execute=True), path.open("rb") as upload:
        response = client.post("/imports/new/", {"kind": "staff", "file": upload})
    body = client.get(response["Location"]).content.decode()
    assert "已导入 1 行：新增 1，更新 0" in body and "新增 1 条，更新 0 条。" in body
    assert Staff.objects.filter(unit=world.unit_a, employee_no="A-002").exists()


def test_a_unit_admin_cannot_choose_units_on_the_page(world, tmp_path):
    path = write_csv(tmp_path / "units.csv", good_rows("units"))
    with path.open("rb") as upload:
        response = world.client("unit_a").post("/imports/new/", {"kind": "units", "file": upload})
    assert response.status_code == 400
    assert not ImportJob.objects.exists()


# --- the command line ------------------------------------------------------------------------------------------


@pytest.fixture
def live(transactional_db: Any, tmp_path: Path) -> LiveDatabase:
    return LiveDatabase(tmp_path)


def test_the_cli_imports_a_good_file(world, live, tmp_path):
    path = write_file(tmp_path / "windows", good_rows("windows"), "utf-8-sig")
    result = live.pingyi("import", "windows", str(path), "--district", "420113")
    assert result.returncode == 0, result.stderr
    assert "已导入 3 行：新增 2，更新 1" in result.stdout
    sessions = Window.objects.get(hall=world.hall, code="003").hours.all()
    assert format_hours(list(sessions)) == format_hours(parse_hours(GOOD["windows"][0][4]))


def test_the_cli_prints_row_errors_and_exits_1(world, live, tmp_path):
    path = write_file(tmp_path / "staff", tweak("staff", 3, "单位", "U999"), "xlsx")
    before = catalogue_state()
    result = live.pingyi("import", "staff", str(path), "--district", "420113")
    assert result.returncode == 1
    assert "第 3 行「单位」：找不到单位“U999”，或不在您的管理范围内" in result.stderr
    assert "发现 1 处错误，未导入任何数据" in result.stderr
    assert catalogue_state() == before


def test_the_cli_asks_which_district(world, live, tmp_path):
    path = write_csv(tmp_path / "staff.csv", good_rows("staff"))
    result = live.pingyi("import", "staff", str(path))
    assert result.returncode == 1
    assert "请用 --district 指定一个区" in result.stderr
