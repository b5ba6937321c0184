"""Scopes: a unit admin has its own unit's reports and exports only (another's is a 404), exports hold only its
rows, and no export carries a phone number."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
import pytest

from pingyi.reports.models import Report
from pingyi.reports.services import report_request
from tests.reports.conftest import CALLBACK_PHONE, YEAR

PERIOD = f"start={YEAR}-01-01&end={YEAR}-12-31"


def rows_of(response: Any) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


@pytest.fixture
def unit_b_report(year: Any) -> Report:
    return report_request(
        actor=year.world.users["inspector"],
        kind="yearly",
        year=YEAR,
        unit_id=year.world.unit_b.pk,
        enqueue=False,
    )


def test_a_unit_admin_cannot_reach_another_units_report(year: Any, unit_b_report: Report) -> None:
    client = year.world.client("unit_a")
    assert client.get(f"/reports/{unit_b_report.pk}/").status_code == 404
    assert client.get(f"/reports/{unit_b_report.pk}/report.pdf").status_code == 404
    assert year.world.client("unit_b").get(f"/reports/{unit_b_report.pk}/").status_code == 200
    assert year.world.client("outsider").get(f"/reports/{unit_b_report.pk}/").status_code == 404
    listing = client.get("/reports/").content.decode()
    assert f"/reports/{unit_b_report.pk}/" not in listing


def test_a_unit_admin_cannot_ask_for_another_unit_or_the_district(year: Any) -> None:
    client = year.world.client("unit_a")
    before = Report.objects.count()
    other_unit = client.post("/reports/", {"kind": "yearly", "year": YEAR, "unit": str(year.world.unit_b.pk)})
    assert other_unit.status_code == 400  # not among its choices
    assert client.post("/reports/", {"kind": "yearly", "year": YEAR, "unit": ""}).status_code == 404
    assert Report.objects.count() == before
    with pytest.raises(Exception) as refused:
        report_request(
            actor=year.world.users["unit_a"], kind="yearly", year=YEAR, unit_id=year.world.unit_b.pk
        )
    assert refused.typename == "Http404"


def test_roles_without_reports_get_404(year: Any) -> None:
    for who in ("clerk", "operator", "hall_manager"):
        assert year.world.client(who).get("/reports/").status_code == 404, who
        assert year.world.client(who).get(f"/reports/export/tickets.csv?{PERIOD}").status_code == 404, who


def test_a_unit_admins_export_holds_only_its_unit(year: Any) -> None:
    client = year.world.client("unit_a")
    world = year.world
    assert client.get(f"/reports/export/tickets.csv?{PERIOD}&unit={world.unit_b.pk}").status_code == 404
    assert client.get(f"/reports/export/tickets.csv?{PERIOD}").status_code == 404  # the district's
    rows = rows_of(client.get(f"/reports/export/tickets.csv?{PERIOD}&unit={world.unit_a.pk}"))
    assert rows[0][:2] == ["工单编号", "单位"]
    assert sorted(r[0] for r in rows[1:]) == sorted(f"T{year.tickets[k].pk}" for k in ("revoked_a", "help_a"))
    assert {r[1] for r in rows[1:]} == {"区市场监管局"}
    ratings = rows_of(client.get(f"/reports/export/ratings-window.csv?{PERIOD}"))
    assert [r[0] for r in ratings[1:]] == [str(world.window_a)]
    assert ratings[1][1:3] == ["8", "6"]
    assert (
        client.get(f"/reports/export/ratings-window.csv?{PERIOD}&unit={world.unit_b.pk}").status_code == 404
    )


def test_an_inspectors_export_covers_the_district_and_the_excel_opens(year: Any) -> None:
    client = year.world.client("inspector")
    rows = rows_of(client.get(f"/reports/export/ratings-unit.csv?{PERIOD}"))
    assert {r[0]: r[1] for r in rows[1:]} == {
        "区市场监管局": "8",
        "区城管局": "5",
    }  # not the other district's
    response = client.get(f"/reports/export/ranked.xlsx?{PERIOD}")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.title == "单位排名"
    assert {row[1]: row[2] for row in sheet.iter_rows(min_row=2, values_only=True)} == {
        "区市场监管局": 8,
        "区城管局": 5,
        "沌口市场监管所": 0,
    }


@pytest.mark.parametrize("table", ["tickets", "tickets-by-unit", "ranked", "problems", "items"])
def test_no_export_carries_a_phone(year: Any, table: str) -> None:
    client = year.world.client("inspector")
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/reports/export/{table}.{fmt}?{PERIOD}")
        assert response.status_code == 200
        body = b"".join(response.streaming_content)
        text = body.decode("utf-8-sig") if fmt == "csv" else _xlsx_text(body)
        assert CALLBACK_PHONE not in text and CALLBACK_PHONE[-4:] not in text, (table, fmt)


def _xlsx_text(body: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(body))
    return " ".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v)


def test_a_bad_period_is_refused_in_chinese(year: Any) -> None:
    response = year.world.client("inspector").get(
        "/reports/export/tickets.csv?start=2026-05-01&end=2026-04-01"
    )
    assert response.status_code == 400 and "截止日期不能早于起始日期" in response.content.decode()


def test_a_hall_managers_ratings_export_follows_its_hall(year: Any) -> None:
    world = year.world
    rows = rows_of(world.client("hall_manager").get(f"/reports/export/ratings-unit.csv?{PERIOD}"))
    assert {r[0] for r in rows[1:]} == {"区市场监管局", "区城管局"}
    sub = world.client("sub_manager")  # the sub-centre's manager: unit A is not in its hall
    assert sub.get(f"/reports/export/ratings-unit.csv?{PERIOD}&unit={world.unit_a.pk}").status_code == 404
    assert rows_of(sub.get(f"/reports/export/ratings-unit.csv?{PERIOD}"))[1:] == []


@pytest.mark.parametrize("by", ["hall", "unit", "window", "staff", "item", "channel", "level"])
def test_the_ratings_measures_export_by_every_grouping_of_the_dashboards(year: Any, by: str) -> None:
    rows = rows_of(year.world.client("inspector").get(f"/reports/export/ratings-{by}.csv?{PERIOD}"))
    assert rows[0][1:3] == ["收到评价", "主动评价"]
    assert (
        sum(int(r[1]) for r in rows[1:]) == 13
    )  # every rating of the district's year, in one row or another
