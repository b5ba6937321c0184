"""Findings (检查发现问题): recorded with their evidence, confirmed (查实), concluded with the 检查情况.

A confirmed finding goes on the feedback form, may ground an accountability decision (pingyi.accountability), and
confirms the anomaly it came from (the anomaly's own service writes that entry). Inspectors only.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from pingyi.accounts.roles import Actor, person
from pingyi.audit.services import audit_record, snapshot
from pingyi.catalog.models import Staff
from pingyi.inspections.attachments import Upload, attachments_save
from pingyi.inspections.choices import Status
from pingyi.inspections.errors import Refused
from pingyi.inspections.models import Finding, FindingType, Inspection
from pingyi.inspections.services.guards import lock_in, require_inspector
from pingyi.oversight.models import Anomaly
from pingyi.oversight.services import anomaly_confirm, anomaly_mark_under_inspection


@transaction.atomic
def finding_record(
    *,
    actor: Actor,
    inspection: Inspection,
    type: FindingType,
    description: str,
    evidence: str = "",
    staff: list[Staff] | None = None,
    people_names: str = "",
    confirmed: bool = False,
    files: list[Upload] | None = None,
) -> Finding:
    """Record a problem found, with evidence files if any; the staff involved must belong to the inspected unit."""
    require_inspector(actor, inspection.district_id)
    locked = lock_in(inspection, {Status.IN_PROGRESS}, gettext("记录问题"))
    if not description.strip():
        raise Refused(gettext("请填写问题描述"))
    staff = list(staff or [])
    if any(s.unit_id != locked.unit_id for s in staff):
        raise Refused(gettext("涉及的工作人员必须属于被检查单位"))
    now = timezone.now()
    finding = Finding.objects.create(
        inspection=locked,
        type=type,
        description=description.strip(),
        evidence=evidence.strip(),
        people_names=people_names.strip(),
        anomaly_id=locked.anomaly_id,
        confirmed=confirmed,
        confirmed_at=now if confirmed else None,
        recorded_by=person(actor),
    )
    finding.staff.set(staff)
    stored = attachments_save(
        actor=actor, inspection=locked, purpose="evidence", uploads=files or [], finding=finding
    )
    audit_record(
        actor=actor,
        action="inspection.finding_record",
        obj=locked,
        after={
            "finding": finding.pk,
            "type": type.code,
            "staff": [s.pk for s in staff],
            "files": stored,
            **snapshot(finding),
        },
    )
    if confirmed:
        _confirm_anomaly(actor, finding)
    return finding


def _confirm_anomaly(actor: Actor, finding: Finding) -> None:
    """A confirmed finding confirms the anomaly it came from (the anomaly's service writes its own entry)."""
    anomaly = finding.anomaly
    if anomaly is None or anomaly.status not in {Anomaly.Status.OPEN, Anomaly.Status.UNDER_INSPECTION}:
        return
    note = f"检查 {finding.inspection.number} 查实：{finding.type.name}"
    if anomaly.status == Anomaly.Status.OPEN:
        anomaly_mark_under_inspection(actor=actor, anomaly=anomaly, note=note)
    anomaly_confirm(actor=actor, anomaly=anomaly, note=note)


@transaction.atomic
def finding_confirm(*, actor: Actor, finding: Finding) -> Finding:
    """Mark a finding 查实 (it goes on the feedback form; an accountability record may cite it)."""
    inspection = finding.inspection
    require_inspector(actor, inspection.district_id)
    lock_in(inspection, {Status.IN_PROGRESS, Status.FINDINGS_RECORDED}, gettext("查实问题"))
    finding.refresh_from_db()
    if finding.confirmed:
        raise Refused(gettext("该问题已查实"))
    finding.confirmed = True
    finding.confirmed_at = timezone.now()
    finding.save(update_fields=["confirmed", "confirmed_at"])
    audit_record(
        actor=actor, action="inspection.finding_confirm", obj=inspection, after={"finding": finding.pk}
    )
    _confirm_anomaly(actor, finding)
    return finding


@transaction.atomic
def findings_conclude(*, actor: Actor, inspection: Inspection, summary: str) -> Inspection:
    """Close the finding stage with the 检查情况; unconfirmed findings stay off the feedback form."""
    require_inspector(actor, inspection.district_id)
    locked = lock_in(inspection, {Status.IN_PROGRESS}, gettext("认定问题"))
    if not summary.strip():
        raise Refused(gettext("请填写检查情况"))
    locked.status = Status.FINDINGS_RECORDED
    locked.summary = summary.strip()
    locked.save(update_fields=["status", "summary"])
    audit_record(
        actor=actor,
        action="inspection.findings_conclude",
        obj=locked,
        before={"status": Status.IN_PROGRESS},
        after={
            "status": locked.status,
            "summary": locked.summary,
            "confirmed": list(locked.findings.filter(confirmed=True).values_list("pk", flat=True)),
        },
    )
    inspection.refresh_from_db()
    return inspection
