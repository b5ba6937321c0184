"""The dashboard and rankings pages: each role sees its own scope, drill-down stays inside it, figures match."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from pingyi.insight.cubes.rollups import rollups_refresh
from pingyi.ratings.models import Rating

TZ = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 3)
QUERY = "from=2026-11-01&to=2026-11-30"


@pytest.fixture
def rated(world: Any) -> Any:
    when = datetime.combine(DAY, time(10), tzinfo=TZ)
    rows = [(world.unit_a, world.window_a, world.staff_a, lv) for lv in (5, 5, 5, 1)]
    rows += [(world.unit_b, world.window_b, world.staff_b, lv) for lv in (5, 4, 2)]
    rows += [(world.unit_other, world.window_other, world.staff_other, 1)]
    for unit, window, staff, lv in rows:
        Rating.objects.create(
            district=unit.district, unit=unit, window=window, staff=staff, channel="qr", scale="five", level=lv,
            level5=lv, negative=lv <= 2, rated_at=when, received_at=timezone.now(),
        )  # fmt: skip
    rollups_refresh()
    return world


def figure(html: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}">([^<]*)<', html)
    assert match, testid
    return match.group(1)


def test_inspector_sees_the_district_and_drills_to_a_unit(rated: Any) -> None:
    client = rated.client("inspector")
    html = client.get(f"/insight/?{QUERY}").content.decode()
    assert figure(html, "ratings") == "7"  # the other district's rating is not here
    assert figure(html, "negative") == "2"
    assert figure(html, "satisfaction") == "71.43%"
    assert f"unit={rated.unit_a.pk}" in html and "区城管局" in html
    charts = json.loads(
        re.search(r'id="dash-data" type="application/json">(.*?)</script>', html, re.S).group(1)
    )
    assert sum(charts["trend"]["ratings"]) == 7 and charts["levels"]["counts"] == [4, 1, 0, 1, 1]
    unit_page = client.get(f"/insight/?unit={rated.unit_a.pk}&{QUERY}").content.decode()
    assert figure(unit_page, "ratings") == "4" and figure(unit_page, "satisfaction") == "75.00%"
    assert f"window={rated.window_a.pk}" in unit_page  # the next level down is the windows
    assert client.get(f"/insight/?unit={rated.unit_other.pk}").status_code == 404


def test_unit_admin_sees_only_its_unit_and_cannot_drill_out(rated: Any) -> None:
    client = rated.client("unit_a")
    html = client.get(f"/insight/?{QUERY}").content.decode()
    assert figure(html, "ratings") == "4"
    assert "区城管局" not in html
    assert client.get(f"/insight/?unit={rated.unit_b.pk}&{QUERY}").status_code == 404
    assert client.get(f"/insight/?window={rated.window_b.pk}&{QUERY}").status_code == 404
    staff_page = client.get(f"/insight/?staff={rated.staff_a.pk}&{QUERY}")
    assert staff_page.status_code == 200 and figure(staff_page.content.decode(), "ratings") == "4"


def test_staff_see_their_own_figures_and_operators_have_no_dashboard(rated: Any) -> None:
    html = rated.client("clerk").get(f"/insight/?{QUERY}").content.decode()
    assert figure(html, "ratings") == "4"
    assert rated.client("operator").get("/insight/").status_code == 404
    assert rated.client("operator").get("/insight/rankings/").status_code == 404


def test_bad_dates_are_explained_in_chinese_and_the_page_still_answers(rated: Any) -> None:
    html = rated.client("inspector").get("/insight/?from=2026-13-01&to=yesterday").content.decode()
    assert "开始日期格式应为 YYYY-MM-DD：2026-13-01" in html
    assert "结束日期格式应为 YYYY-MM-DD：yesterday" in html


def test_channel_filter_narrows_the_figures(rated: Any) -> None:
    html = rated.client("inspector").get(f"/insight/?{QUERY}&channel=sms").content.decode()
    assert figure(html, "ratings") == "0"


def test_rankings_page_lists_units_in_order(rated: Any, settings: Any) -> None:
    settings.PINGYI_RANKING_MIN_SAMPLE = 1
    html = rated.client("inspector").get("/insight/rankings/?month=2026-11&week=2026-11-03").content.decode()
    table = html.split('data-testid="unit-ranking"')[1].split("</table>")[0]
    assert table.index("区市场监管局") < table.index("区城管局")
    shicha = html.split('data-testid="shicha"')[1].split("</table>")[0]
    assert "区城管局" in shicha and "区市场监管局" in shicha and "邻区" not in shicha


def test_the_drill_table_exports_as_csv_within_the_scope(rated: Any) -> None:
    response = rated.client("unit_a").get(f"/insight/?{QUERY}&export=csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert lines[0].startswith("窗口")
    assert len(lines) == 2 and lines[1].startswith(str(rated.window_a))
    assert "区城管局" not in body and "邻区" not in body


def test_the_default_period_is_the_last_30_days(world: Any) -> None:
    """Not "this month so far", which shows nearly nothing on the first days of a month."""
    today = timezone.localdate()
    when = datetime.combine(today - timedelta(days=20), time(10), tzinfo=TZ)
    Rating.objects.create(
        district=world.district, unit=world.unit_a, window=world.window_a, channel="qr", scale="five", level=5,
        level5=5, negative=False, rated_at=when, received_at=timezone.now(),
    )  # fmt: skip
    rollups_refresh()
    html = world.client("inspector").get("/insight/").content.decode()
    assert f'value="{(today - timedelta(days=29)).isoformat()}"' in html
    assert f'value="{today.isoformat()}"' in html
    assert figure(html, "ratings") == "1"


def test_rankings_default_to_last_month_and_last_week(world: Any) -> None:
    """The current month and week are not over: the page opens on the last complete ones, as the public page."""
    today = timezone.localdate()
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    last_monday = today - timedelta(days=today.weekday() + 7)
    html = world.client("inspector").get("/insight/rankings/").content.decode()
    assert f'value="{last_month:%Y-%m}"' in html
    assert f'value="{last_monday.isoformat()}"' in html
