"""Every import kind offers a template to download: the header row, and the accepted aliases on a second sheet;
a template filled in imports."""

from __future__ import annotations

import io

import openpyxl
import pytest

from pingyi.imports.kinds import all_kinds
from pingyi.imports.models import ImportJob
from tests.catalog.importing import run


@pytest.mark.parametrize("kind", sorted(all_kinds()))
def test_each_kind_has_an_xlsx_template_with_its_aliases(world, kind):
    response = world.client("root").get(f"/imports/templates/{kind}.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="template-{kind}.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["模板", "列说明"]
    columns = all_kinds()[kind].columns
    assert [c.value for c in workbook["模板"][1]] == [c.label for c in columns]
    notes = {
        row[0]: row for row in workbook["列说明"].iter_rows(min_row=2, values_only=True) if row and row[0]
    }
    for column in columns:
        assert notes[column.label][1] == ("是" if column.required else "否")
        assert set((notes[column.label][2] or "").split("、")) - {""} == set(column.aliases)


def test_the_roster_template_explains_the_week_grid_too(world):
    response = world.client("root").get("/imports/templates/rosters.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["列说明"]
    assert any("上午" in str(row[0]) for row in sheet.iter_rows(values_only=True) if row and row[0])


def test_the_halls_template_filled_in_imports(world, tmp_path):
    response = world.client("root").get("/imports/templates/halls.xlsx")
    path = tmp_path / "大厅.xlsx"
    path.write_bytes(response.content)
    workbook = openpyxl.load_workbook(path)
    workbook["模板"].append(["H30", "新中心", "", "某路1号"])
    workbook.save(path)
    job = run(world, "root", "halls", path)
    assert job.status == ImportJob.Status.DONE, job.errors


def test_the_upload_page_links_the_templates(world):
    page = world.client("hall_manager").get("/imports/new/").content.decode()
    assert "/imports/templates/rosters.xlsx" in page and "/imports/templates/halls.xlsx" not in page
