"""Anomaly statuses: open → under_inspection → confirmed | dismissed, one audit entry each, scopes."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from pingyi.accounts.scopes import restrict
from pingyi.audit.models import AuditEntry
from pingyi.oversight.models import Anomaly, AnomalyKind
from pingyi.oversight.services import (
    AnomalyError,
    anomaly_confirm,
    anomaly_dismiss,
    anomaly_mark_under_inspection,
)

pytestmark = pytest.mark.django_db


def _anomaly(world: Any, unit: Any = None, district: Any = None) -> Anomaly:
    unit = unit or world.unit_a
    return Anomaly.objects.create(
        key=f"under_reporting:u{unit.pk}:2026-10-01:2026-10-31",
        kind=AnomalyKind.UNDER_REPORTING,
        district=district or world.district,
        unit=unit,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
        score=3.5,
        summary="扫码评价 40 条，录入办件 2 件",
        evidence={"count": 40},
        last_found_at=timezone.now(),
    )


def test_inspect_then_confirm_writes_one_audit_entry_each(world: Any) -> None:
    anomaly = _anomaly(world)
    inspector = world.users["inspector"]
    anomaly_mark_under_inspection(actor=inspector, anomaly=anomaly, note="派员核查")
    assert anomaly.status == Anomaly.Status.UNDER_INSPECTION
    anomaly_confirm(actor=inspector, anomaly=anomaly, note="现场核实属实")
    assert anomaly.status == Anomaly.Status.CONFIRMED
    assert anomaly.status_changed_by == inspector
    actions = list(
        AuditEntry.objects.filter(object_type="oversight.anomaly", object_id=str(anomaly.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["anomaly.under_inspection", "anomaly.confirm"]


def test_confirm_requires_inspection_first(world: Any) -> None:
    anomaly = _anomaly(world)
    with pytest.raises(AnomalyError, match="不能改为“已确认”"):
        anomaly_confirm(actor=world.users["inspector"], anomaly=anomaly)
    anomaly.refresh_from_db()
    assert anomaly.status == Anomaly.Status.OPEN
    assert not AuditEntry.objects.filter(action="anomaly.confirm").exists()


def test_dismiss_needs_a_reason_and_is_final(world: Any) -> None:
    anomaly = _anomaly(world)
    inspector = world.users["inspector"]
    with pytest.raises(AnomalyError, match="理由"):
        anomaly_dismiss(actor=inspector, anomaly=anomaly, reason="  ")
    anomaly_dismiss(actor=inspector, anomaly=anomaly, reason="国庆假期窗口停办")
    assert anomaly.status == Anomaly.Status.DISMISSED
    assert anomaly.status_note == "国庆假期窗口停办"
    assert anomaly.dismissed_count == 40
    with pytest.raises(AnomalyError, match="已排除"):
        anomaly_mark_under_inspection(actor=inspector, anomaly=anomaly)


def test_only_inspectors_act(world: Any) -> None:
    anomaly = _anomaly(world)
    with pytest.raises(AnomalyError, match="纪检监察"):
        anomaly_mark_under_inspection(actor=world.users["hall_manager"], anomaly=anomaly)
    anomaly_mark_under_inspection(actor=world.users["root"], anomaly=anomaly)
    assert anomaly.status == Anomaly.Status.UNDER_INSPECTION


def test_scope_inspectors_see_their_district_the_inspected_see_nothing(world: Any) -> None:
    mine = _anomaly(world)
    other = _anomaly(world, unit=world.unit_other, district=world.other_district)
    qs = Anomaly.objects.all()
    assert list(restrict(qs, world.users["inspector"])) == [mine]
    assert list(restrict(qs, world.users["outsider"])) == [other]
    for who in ("unit_a", "hall_manager", "clerk", "operator"):
        assert not restrict(qs, world.users[who]).exists(), who
