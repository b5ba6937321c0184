"""A report generated from the page: the job runs, the PDF's text and the Excel sheet hold the figures, the narrative
holds the numbers, and the generation is in the audit log."""

from __future__ import annotations

import io
import subprocess
from typing import Any

import openpyxl
import pytest

from pingyi.audit.models import AuditEntry
from pingyi.reports.figures import LABELS, yearly_figures
from pingyi.reports.models import Report
from tests.reports.conftest import YEAR


def generate(client: Any, capture: Any, **data: Any) -> Report:
    with capture(execute=True):
        response = client.post("/reports/", {"kind": "yearly", "year": YEAR, "month": "", "unit": "", **data})
    assert response.status_code == 302, response.content.decode()
    report = Report.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))
    assert report.status == Report.Status.DONE, report.message
    return report


def pdf_text(content: bytes) -> str:
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True)
    return done.stdout.decode()


@pytest.fixture
def district_report(year: Any, django_capture_on_commit_callbacks: Any) -> Report:
    return generate(year.world.client("inspector"), django_capture_on_commit_callbacks)


def test_the_pdf_shows_every_figure_in_chinese(year: Any, district_report: Report) -> None:
    response = year.world.client("inspector").get(f"/reports/{district_report.pk}/report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    figures = yearly_figures(year.world.district.pk, YEAR)
    assert "测试区（全区）2026年评议工作年报" in text
    for name, label, _value, shown in figures.rows():
        assert label in text, name
        assert shown in text, name
    assert "72.73%" in text  # 8 satisfied of 11 active
    assert "区城管局" in text and "迟到早退" in text  # the ranked units and the problem types


def test_the_excel_file_holds_the_figures_and_the_tables(year: Any, district_report: Report) -> None:
    response = year.world.client("inspector").get(f"/reports/{district_report.pk}/report.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    figures = yearly_figures(year.world.district.pk, YEAR)
    values = {row[0]: row[1] for row in book["主要数据"].iter_rows(min_row=2, values_only=True)}
    assert values == {label.text: getattr(figures, name) for name, label in LABELS.items()}
    ranked = list(book["单位排名"].iter_rows(values_only=True))
    assert ranked[0][:3] == ("名次", "单位", "收到评价")
    assert {row[1]: row[2] for row in ranked[1:]} == {"区市场监管局": 8, "区城管局": 5, "沌口市场监管所": 0}
    tickets = [row for row in book["工单明细"].iter_rows(min_row=2, values_only=True)]
    assert sorted(row[0] for row in tickets) == sorted(
        f"T{t.pk}" for key, t in year.tickets.items() if key in ("true_b", "revoked_a", "open_b", "help_a")
    )


def test_the_narrative_has_the_numbers_filled_in(year: Any, district_report: Report) -> None:
    text = district_report.narrative
    f = yearly_figures(year.world.district.pk, YEAR)
    assert text.startswith("2026年，测试区纪检监察工委")
    for phrase in (
        f"开展监督检查{f.inspections}次",
        f"等问题{f.problems_found}个",
        f"涉及到的{f.units_involved}家参评单位",
        f"作风问题{f.work_style_problems}个",
        f"追责问责{f.people_held_accountable}人",
        f"其中党纪政务处分{f.people_formally_sanctioned}人",
        f"{f.units_in_hall}个部门{f.items_in_hall}项办理事项",
        f"推动解决问题{f.problems_solved}个",
        f"制度机制{f.mechanisms_built}项",
        f"共收到{f.ratings}条评价",
        "群众满意率达72.73%",
        f"主动评价{f.active_ratings}条",
        "剔除经复核撤销的差评后为80.00%",
        f"查处不满意评价{f.negative_handled}条",
        f"问责处理{f.accountable_from_ratings}人",
    ):
        assert phrase in text, phrase


def test_a_generation_is_audited_and_the_page_shows_progress_then_files(
    year: Any, district_report: Report
) -> None:
    actions = set(
        AuditEntry.objects.filter(
            object_type="reports.report", object_id=str(district_report.pk)
        ).values_list("action", flat=True)
    )
    assert actions == {"report.request", "report.build"}
    client = year.world.client("inspector")
    page = client.get(f"/reports/{district_report.pk}/").content.decode()
    assert "已生成" in page and "report.pdf" in page and "群众满意率达72.73%" in page
    queued = Report.objects.create(
        district=year.world.district, kind="monthly", period_start=district_report.period_start,
        period_end=district_report.period_start, steps_done=2, step_label="统计工单与问题", status="running",
    )  # fmt: skip
    fragment = client.get(f"/reports/{queued.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert (
        'hx-trigger="every 1s"' in fragment and "正在统计工单与问题" in fragment and 'value="33"' in fragment
    )
    listing = client.get("/reports/").content.decode()
    assert f"/reports/{district_report.pk}/report.xlsx" in listing


def test_a_unit_admin_makes_its_monthly_report(year: Any, django_capture_on_commit_callbacks: Any) -> None:
    world = year.world
    client = world.client("unit_b")
    form = client.get("/reports/").content.decode()
    assert "区城管局" in form and "全区" not in form and "区市场监管局" not in form
    report = generate(
        client, django_capture_on_commit_callbacks, kind="monthly", month=6, unit=str(world.unit_b.pk)
    )
    assert (report.unit, report.period_start.isoformat(), report.period_end.isoformat()) == (
        world.unit_b,
        f"{YEAR}-06-01",
        f"{YEAR}-06-30",
    )
    assert report.narrative.startswith("2026年6月，区城管局通过评议平台共收到5条评价，群众满意率达60.00%")
    text = pdf_text(client.get(f"/reports/{report.pk}/report.pdf").content)
    assert "区城管局2026年6月评议工作月报" in text and "窗口排名" in text
