"""Builders of the inspection tests: a plan, an inspection walked to a status through the services; and the finding
types put back after a live-server flush (the migration loads them once). Other apps' tests import the builders."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from pingyi.inspections.finding_types import load_finding_types
from pingyi.inspections.models import FindingType, Inspection, InspectionPlan
from pingyi.inspections.services.findings import finding_record, findings_conclude
from pingyi.inspections.services.lifecycle import feedback_send, inspection_start
from pingyi.inspections.services.plans import inspection_add, plan_create
from pingyi.inspections.services.rectification import rectification_plan_submit


@pytest.fixture(autouse=True)
def finding_types(db: Any) -> None:
    load_finding_types(FindingType)


def make_plan(world: Any, **overrides: Any) -> InspectionPlan:
    fields = {
        "title": "2026年第四季度随机查",
        "kind": "random",
        "methods": ["comparison", "onsite"],
        "period_start": date(2026, 10, 1),
        "period_end": date(2026, 12, 31),
        **overrides,
    }
    return plan_create(actor=world.users["inspector"], district=world.district, **fields)


def walk(world: Any, to: str, *, unit: Any = None, deadline: date | None = None) -> Inspection:
    """An inspection of unit A (or ``unit``) brought to status ``to`` through the services, as the inspector."""
    inspector = world.users["inspector"]
    inspection = inspection_add(actor=inspector, plan=make_plan(world), unit=unit or world.unit_a)
    if to == "planned":
        return inspection
    inspection_start(actor=inspector, inspection=inspection)
    if to == "in_progress":
        return inspection
    finding_record(
        actor=inspector,
        inspection=inspection,
        type=FindingType.objects.get(code="under_reporting"),
        description="11月系统录入数据与群众扫码数据存在出入，漏录服务对象",
        evidence="系统录入 120 条，扫码评价 310 条",
        staff=[world.staff_a] if inspection.unit_id == world.unit_a.pk else [],
        people_names="周某",
        confirmed=True,
    )
    findings_conclude(actor=inspector, inspection=inspection, summary="经数据比对和实地核查，情况属实。")
    if to == "findings_recorded":
        return inspection
    feedback_send(
        actor=inspector,
        inspection=inspection,
        deadline=deadline or timezone.localdate() + timedelta(days=15),
        requirement="全面补录台账，建立每日录入核对制度。",
    )
    if to == "feedback_sent":
        return inspection
    admin = world.users["unit_a"] if inspection.unit_id == world.unit_a.pk else world.users["unit_b"]
    rectification_plan_submit(actor=admin, inspection=inspection, plan_text="一、补录；二、建立核对制度。")
    if to == "rectifying":
        return inspection
    raise ValueError(to)
