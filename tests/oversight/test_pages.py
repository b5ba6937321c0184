"""数据比对 pages over real HTTP: inspectors only, ranked list with filters, one-screen evidence, actions, run now."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from pingyi.audit.models import AuditEntry
from pingyi.oversight.models import Anomaly, ComparisonRun
from tests.oversight.builders import MONTH, at, clean_hall, phone, working_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def planted(world: Any) -> Any:
    hall = clean_hall(world)
    day = working_days(*MONTH)[4]
    for i in range(
        3
    ):  # unit_b: callbacks from other phones (phone_swap); unit_a: backfilled after a complaint
        rec = hall.record(world.unit_b, at(day, 9, i), tel=phone(700 + i))
        hall.rating(world.unit_b, at(day, 15, i), channel="sms", record=rec, tel=phone(800 + i))
    hall.rating(world.unit_a, at(day, 11), level5=1)
    for i in range(2):
        hall.record(world.unit_a, at(day, 9, i), entered=at(day + timedelta(days=2), 18))
    hall.save()
    hall.compare()
    return hall


def test_inspector_sees_ranked_list_and_filters(world: Any, planted: Any) -> None:
    client = world.client("inspector")
    page = client.get("/oversight/").content.decode()
    assert "回访号码调换" in page and "投诉后补录" in page
    assert page.index("回访号码调换") < page.index(
        "投诉后补录"
    )  # phone_swap scores 1.5, late_entry 3.0? ranked
    filtered = client.get("/oversight/", {"kind": "late_entry"}).content.decode()
    assert "在群众投诉之后才补录" in filtered and "回访评价的号码" not in filtered
    assert "数据比对" in client.get("/").content.decode()


def test_the_inspected_and_other_districts_get_404(world: Any, planted: Any) -> None:
    anomaly = Anomaly.objects.first()
    assert anomaly is not None
    for who in ("unit_a", "unit_b", "hall_manager", "clerk", "operator"):
        client = world.client(who)
        assert client.get("/oversight/").status_code == 404, who
        assert client.get(f"/oversight/{anomaly.pk}/").status_code == 404, who
        assert "数据比对" not in client.get("/").content.decode(), who
    assert world.client("outsider").get(f"/oversight/{anomaly.pk}/").status_code == 404


def test_detail_shows_evidence_and_masked_samples_reveal_is_logged(world: Any, planted: Any) -> None:
    anomaly = Anomaly.objects.get(kind="phone_swap")
    client = world.client("inspector")
    page = client.get(f"/oversight/{anomaly.pk}/").content.decode()
    assert "回访号码与办件不同" in page and "139****0800" in page and "13900000800" not in page
    revealed = client.post(f"/oversight/{anomaly.pk}/action/", {"action": "reveal"}).content.decode()
    assert "13900000800" in revealed
    assert AuditEntry.objects.filter(action="personal_data.read", object_id=str(anomaly.pk)).count() == 1


def test_status_actions_and_a_dismissal_without_reason(world: Any, planted: Any) -> None:
    anomaly = Anomaly.objects.get(kind="late_entry")
    client = world.client("inspector")
    response = client.post(f"/oversight/{anomaly.pk}/action/", {"action": "dismiss", "note": ""})
    assert response.status_code == 400 and "排除异常必须填写理由" in response.content.decode()
    response = client.post(f"/oversight/{anomaly.pk}/action/", {"action": "confirm", "note": "属实"})
    assert response.status_code == 400 and "不能改为“已确认”" in response.content.decode()
    assert "属实" in response.content.decode()  # the note typed is kept
    client.post(f"/oversight/{anomaly.pk}/action/", {"action": "inspect", "note": "派员现场核查"})
    client.post(f"/oversight/{anomaly.pk}/action/", {"action": "confirm", "note": "台账补录属实"})
    anomaly.refresh_from_db()
    assert anomaly.status == Anomaly.Status.CONFIRMED and anomaly.status_note == "台账补录属实"


def test_run_now_button(world: Any, planted: Any) -> None:
    client = world.client("inspector")
    response = client.post("/oversight/runs/new/", {"start": "2026-09-01", "end": "2026-09-30"}, follow=True)
    assert "比对完成" in response.content.decode()
    run = ComparisonRun.objects.order_by("-pk").first()
    assert run is not None and run.trigger == "back_office" and run.started_by == world.users["inspector"]
    bad = client.post("/oversight/runs/new/", {"start": "2026-09-30", "end": "2026-09-01"}, follow=True)
    assert "截止日期不能早于起始日期" in bad.content.decode()
    assert (
        world.client("unit_a")
        .post("/oversight/runs/new/", {"start": "2026-09-01", "end": "2026-09-30"})
        .status_code
        == 404
    )


def test_a_queued_run_shows_as_running_and_the_list_polls_until_it_is_done(world: Any) -> None:
    from datetime import date

    run = ComparisonRun.objects.create(
        district=world.district,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 6, 30),
        trigger="back_office",
    )
    client = world.client("inspector")
    page = client.get("/oversight/").content.decode()
    assert "运行中…" in page and 'hx-trigger="every 3s"' in page
    run.status = ComparisonRun.Status.DONE
    run.save()
    fragment = client.get("/oversight/runs/").content.decode()
    assert "已完成" in fragment and "hx-trigger" not in fragment
    assert world.client("unit_a").get("/oversight/runs/").status_code == 404


def test_a_long_period_goes_to_the_worker(world: Any, planted: Any) -> None:
    # In tests django-q runs jobs synchronously ("sync"), so the queued run is done when the page returns.
    client = world.client("inspector")
    response = client.post("/oversight/runs/new/", {"start": "2026-06-01", "end": "2026-09-30"}, follow=True)
    assert "比对已排队" in response.content.decode()
    run = ComparisonRun.objects.order_by("-pk").first()
    assert run is not None and run.status == "done" and run.started_by == world.users["inspector"]
    assert run.counts["late_entry"]["found"] == 1


def test_an_inspection_is_opened_from_the_anomaly_page(world: Any, planted: Any) -> None:
    anomaly = Anomaly.objects.get(kind="phone_swap")
    client = world.client("inspector")
    page = client.get(f"/oversight/{anomaly.pk}/").content.decode()
    assert "据此立项检查" in page and f"/inspections/from-anomaly/{anomaly.pk}/" in page
    response = client.post(f"/inspections/from-anomaly/{anomaly.pk}/", follow=True)
    assert "已据异常立项检查" in response.content.decode()
    anomaly.refresh_from_db()
    assert anomaly.status == "under_inspection"
    again = client.get(f"/oversight/{anomaly.pk}/").content.decode()
    assert "已立项：" in again
