"""The link to the comparison engine: an inspection from an anomaly, a draw among units with open anomalies, and a
confirmed finding that confirms the anomaly."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from pingyi.audit.models import AuditEntry
from pingyi.inspections.models import Finding, FindingType, Inspection
from pingyi.inspections.services.findings import finding_record
from pingyi.inspections.services.lifecycle import inspection_start
from pingyi.inspections.services.plans import draw_make
from pingyi.oversight.models import Anomaly
from tests.inspections.conftest import make_plan


def _anomaly(world, unit, key: str = "a1", status: str = "open") -> Anomaly:
    return Anomaly.objects.create(
        key=key,
        kind="under_reporting",
        district=world.district,
        unit=unit,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
        score=0.9,
        summary="10月录入 120 条，扫码 310 条",
        evidence={"count": 190},
        status=status,
        last_found_at=timezone.now(),
    )


def test_an_inspection_opened_from_an_anomaly_marks_it_under_inspection_and_a_confirmed_finding_confirms_it(
    world,
):
    anomaly = _anomaly(world, world.unit_a)
    response = world.client("inspector").post(f"/inspections/from-anomaly/{anomaly.pk}/")
    assert response.status_code == 302
    inspection = Inspection.objects.get(anomaly=anomaly)
    assert inspection.kind == "anomaly" and inspection.unit_id == world.unit_a.pk
    anomaly.refresh_from_db()
    assert anomaly.status == "under_inspection"
    inspector = world.users["inspector"]
    inspection_start(actor=inspector, inspection=inspection)
    finding = finding_record(
        actor=inspector,
        inspection=inspection,
        type=FindingType.objects.get(code="under_reporting"),
        description="管理员未及时录入数据",
    )
    assert finding.anomaly_id == anomaly.pk
    anomaly.refresh_from_db()
    assert anomaly.status == "under_inspection"
    world.client("inspector").post(f"/inspections/{inspection.pk}/findings/{finding.pk}/confirm/")
    anomaly.refresh_from_db()
    assert anomaly.status == "confirmed" and inspection.number in anomaly.status_note
    assert Finding.objects.get(pk=finding.pk).confirmed
    assert AuditEntry.objects.filter(action="anomaly.confirm", object_id=str(anomaly.pk)).count() == 1


def test_a_dismissed_anomaly_opens_no_inspection_and_others_cannot_open_one(world):
    dismissed = _anomaly(world, world.unit_a, status="dismissed")
    response = world.client("inspector").post(f"/inspections/from-anomaly/{dismissed.pk}/")
    assert response.status_code == 404 and not Inspection.objects.exists()
    fresh = _anomaly(world, world.unit_b, key="a2")
    for who in ("unit_b", "outsider", "hall_manager"):
        assert world.client(who).post(f"/inspections/from-anomaly/{fresh.pk}/").status_code == 404
    assert not Inspection.objects.exists()


def test_a_draw_from_anomalies_takes_units_with_open_anomalies(world):
    _anomaly(world, world.unit_b, key="open-b")
    _anomaly(world, world.unit_a, key="done-a", status="confirmed")
    made = draw_make(
        actor=world.users["inspector"], plan=make_plan(world, kind="anomaly"), population="anomaly", count=1
    )
    assert [c["code"] for c in made.candidates] == [world.unit_b.code] and made.picks == [world.unit_b.pk]
