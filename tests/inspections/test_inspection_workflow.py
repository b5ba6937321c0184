"""An inspection from plan to closure through the pages, one audit entry per step, illegal steps refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from pingyi.audit.models import AuditEntry
from pingyi.inspections.errors import Refused
from pingyi.inspections.models import FindingType, Inspection, Rectification
from pingyi.inspections.services.findings import findings_conclude
from pingyi.inspections.services.lifecycle import feedback_send, inspection_close
from pingyi.inspections.services.rectification import (
    rectification_plan_submit,
    rectification_proof_submit,
    rectification_verify,
)
from tests.inspections.conftest import make_plan, walk


def _entries_since(seq: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(seq__gt=seq).order_by("seq"))


def _last_seq() -> int:
    return AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def test_an_inspection_goes_from_plan_to_closure_through_the_pages(world):
    inspector, unit = world.client("inspector"), world.client("unit_a")
    plan = make_plan(world)
    response = inspector.post(f"/inspections/plans/{plan.pk}/add/", {"unit": world.unit_a.pk})
    assert response.status_code == 302
    inspection = Inspection.objects.get(plan=plan)
    url = f"/inspections/{inspection.pk}/"
    steps = [
        (inspector, "start/", {"inspectors": [world.users["inspector"].pk], "started_on": "2026-11-20"}),
        (
            inspector,
            "findings/",
            {
                "type": FindingType.objects.get(code="selective_reporting").pk,
                "description": "只录入了表示满意的服务对象",
                "evidence": "抽查回访 20 人，其中 9 人未在台账中",
                "staff": [world.staff_a.pk],
                "people_names": "周某",
                "confirmed": "on",
            },
        ),
        (inspector, "conclude/", {"summary": "经回访抽查，情况属实。"}),
        (
            inspector,
            "feedback/",
            {
                "deadline": f"{timezone.localdate() + timedelta(days=10):%Y-%m-%d}",
                "requirement": "补录全部服务对象。",
            },
        ),
        (unit, "rectification/plan/", {"plan_text": "三日内补录，建立核对制度。"}),
        (unit, "rectification/proof/", {"proof_text": "已补录 9 人；《台账核对制度》已印发。"}),
        (inspector, "rectification/verify/", {"accepted": "1", "note": "整改到位"}),
    ]
    expected = [
        "in_progress",
        "in_progress",
        "findings_recorded",
        "feedback_sent",
        "rectifying",
        "rectifying",
        "closed",
    ]
    for (client, path, data), status in zip(steps, expected, strict=True):
        before = _last_seq()
        response = client.post(url + path, data)
        assert response.status_code == 302, (path, response.content.decode()[-2000:])
        inspection.refresh_from_db()
        assert inspection.status == status
        entries = _entries_since(before)
        assert len(entries) == 1 and entries[0].object_id == str(inspection.pk), path
    rect = Rectification.objects.get(inspection=inspection)
    assert rect.closed_at is not None and rect.verified_by == world.users["inspector"]
    page = inspector.get(url).content.decode()
    for label in ("开始检查", "记录问题", "发送检查反馈表", "单位提交整改方案", "办结"):
        assert label in page
    assert "已办结" in page


def test_a_step_from_the_wrong_status_is_refused_with_a_chinese_message(world):
    inspection = walk(world, "planned")
    response = world.client("inspector").post(
        f"/inspections/{inspection.pk}/conclude/", {"summary": "这段文字应当保留"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "当前状态（待检查）不能认定问题" in page
    inspection.refresh_from_db()
    assert inspection.status == "planned"
    with pytest.raises(Refused, match="不能发送检查反馈表"):
        feedback_send(actor=world.users["inspector"], inspection=inspection, deadline=None)


def test_feedback_with_confirmed_findings_needs_a_future_deadline_and_keeps_the_input(world):
    inspection = walk(world, "findings_recorded")
    response = world.client("inspector").post(
        f"/inspections/{inspection.pk}/feedback/",
        {"deadline": f"{timezone.localdate():%Y-%m-%d}", "requirement": "补录全部台账（保留）"},
    )
    page = response.content.decode()
    assert response.status_code == 400 and "整改期限必须晚于今天" in page and "补录全部台账（保留）" in page
    inspection.refresh_from_db()
    assert inspection.status == "findings_recorded" and not hasattr(inspection, "feedback_form")


def test_an_inspection_without_findings_closes_without_rectification(world):
    inspector = world.users["inspector"]
    inspection = walk(world, "in_progress")
    findings_conclude(actor=inspector, inspection=inspection, summary="未发现问题。")
    feedback_send(actor=inspector, inspection=inspection, deadline=None)
    assert not Rectification.objects.filter(inspection=inspection).exists()
    with pytest.raises(Refused, match="无需整改"):
        rectification_plan_submit(actor=world.users["unit_a"], inspection=inspection, plan_text="x")
    inspection_close(actor=inspector, inspection=inspection, note="无问题")
    assert inspection.status == "closed"


def test_a_rejected_proof_goes_back_to_the_unit_with_the_reason(world):
    inspection = walk(world, "rectifying")
    rectification_proof_submit(actor=world.users["unit_a"], inspection=inspection, proof_text="已补录")
    with pytest.raises(Refused, match="退回整改须说明理由"):
        rectification_verify(actor=world.users["inspector"], inspection=inspection, accepted=False)
    rectification_verify(
        actor=world.users["inspector"], inspection=inspection, accepted=False, note="缺少制度文件"
    )
    inspection.refresh_from_db()
    assert inspection.status == "rectifying"
    page = world.client("unit_a").get(f"/inspections/{inspection.pk}/").content.decode()
    assert "缺少制度文件" in page and "提交整改情况及佐证" in page


def test_an_overdue_rectification_shows_in_the_list_until_it_is_closed(world):
    inspection = walk(world, "rectifying", deadline=timezone.localdate() + timedelta(days=1))
    Rectification.objects.filter(inspection=inspection).update(
        deadline=timezone.localdate() - timedelta(days=2)
    )
    on_time = walk(world, "feedback_sent", unit=world.unit_b)
    page = world.client("inspector").get("/inspections/").content.decode()
    assert "有 1 项整改已超过期限未销号" in page
    overdue_rows = world.client("inspector").get("/inspections/?status=overdue").content.decode()
    assert f'data-inspection="{inspection.pk}"' in overdue_rows
    assert f'data-inspection="{on_time.pk}"' not in overdue_rows
    assert "整改逾期" in world.client("unit_a").get("/inspections/").content.decode()
    rectification_proof_submit(actor=world.users["unit_a"], inspection=inspection, proof_text="已整改")
    rectification_verify(actor=world.users["inspector"], inspection=inspection, accepted=True)
    assert "已超过期限" not in world.client("inspector").get("/inspections/").content.decode()
