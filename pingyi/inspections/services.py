"""An inspection from start to closure; each step is one transaction and one audit entry on the inspection.

planned → in_progress → findings_recorded → feedback_sent → rectifying → closed (feedback_sent → closed directly
when nothing was found). Inspectors of the district (and superusers) do every step except the unit's own two:
the rectification plan and the proof, submitted by the inspected unit's admin. A step from the wrong status is
refused with ``Refused`` and a Chinese message naming the current status.

Linked anomalies (pingyi.oversight) change status through their own services, which write their own audit entry:
opening an inspection from an anomaly marks it 核查中, confirming a finding linked to it confirms it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy

from pingyi.accounts.models import Role
from pingyi.audit.services import audit_record, snapshot
from pingyi.catalog.models import Staff
from pingyi.inspections.attachments import Upload, attachments_save
from pingyi.inspections.errors import Refused
from pingyi.inspections.feedback import feedback_context, feedback_files
from pingyi.inspections.models import (
    FeedbackForm,
    Finding,
    FindingType,
    Inspection,
    InspectionPlan,
    Kind,
    Method,
    Rectification,
    Status,
)
from pingyi.inspections.plan_services import require_inspector
from pingyi.inspections.selectors import is_unit_of
from pingyi.oversight.models import Anomaly
from pingyi.oversight.services import anomaly_confirm, anomaly_mark_under_inspection

# What the timeline shows for each audit action of an inspection (a past event, hence the context: the same
# words are buttons elsewhere).
ACTION_LABELS = {
    "inspection.create": pgettext_lazy("inspection timeline", "创建检查"),
    "draw.make": pgettext_lazy("inspection timeline", "随机抽取"),
    "inspection.start": pgettext_lazy("inspection timeline", "开始检查"),
    "inspection.finding_record": pgettext_lazy("inspection timeline", "记录问题"),
    "inspection.finding_confirm": pgettext_lazy("inspection timeline", "查实问题"),
    "inspection.findings_conclude": pgettext_lazy("inspection timeline", "认定问题"),
    "inspection.feedback_send": pgettext_lazy("inspection timeline", "发送检查反馈表"),
    "inspection.rectification_plan": pgettext_lazy("inspection timeline", "单位提交整改方案"),
    "inspection.rectification_proof": pgettext_lazy("inspection timeline", "单位提交整改情况及佐证"),
    "inspection.rectification_reject": pgettext_lazy("inspection timeline", "整改验收未通过"),
    "inspection.close": pgettext_lazy("inspection timeline", "办结"),
}


def _lock(inspection: Inspection, allowed: set[str], doing: str) -> Inspection:
    """The inspection row locked for update, refused unless its status is one of ``allowed``."""
    locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if locked.status not in allowed:
        raise Refused(
            gettext("当前状态（%(status)s）不能%(doing)s")
            % {"status": locked.get_status_display(), "doing": doing}
        )
    return locked


@transaction.atomic
def inspection_from_anomaly(
    *, actor: Any, anomaly: Anomaly, plan: InspectionPlan | None = None, planned_on: date | None = None
) -> Inspection:
    """Open a 定点查 of the anomaly's unit (and window); an open anomaly becomes 核查中."""
    require_inspector(actor, anomaly.district_id)
    if anomaly.status not in {Anomaly.Status.OPEN, Anomaly.Status.UNDER_INSPECTION}:
        raise Refused(
            gettext("异常已%(status)s，不能再据此开展检查") % {"status": anomaly.get_status_display()}
        )
    if plan is not None and (
        plan.district_id != anomaly.district_id or plan.status != InspectionPlan.Status.OPEN
    ):
        raise Refused(gettext("所选计划不可用（已结束或不属于本区）"))
    inspection = Inspection.objects.create(
        district_id=anomaly.district_id,
        plan=plan,
        unit_id=anomaly.unit_id,
        window_id=anomaly.window_id,
        anomaly=anomaly,
        kind=Kind.ANOMALY,
        methods=[Method.COMPARISON.value, Method.ONSITE.value],
        planned_on=planned_on or timezone.localdate(),
    )
    audit_record(actor=actor, action="inspection.create", obj=inspection, after=snapshot(inspection))
    if anomaly.status == Anomaly.Status.OPEN:
        anomaly_mark_under_inspection(actor=actor, anomaly=anomaly, note=f"已立项检查 {inspection.number}")
    return inspection


@transaction.atomic
def inspection_start(
    *, actor: Any, inspection: Inspection, inspectors: list[Any] | None = None, started_on: date | None = None
) -> Inspection:
    require_inspector(actor, inspection.district_id)
    locked = _lock(inspection, {Status.PLANNED}, gettext("开始检查"))
    team = list(inspectors or [actor])
    if any(getattr(u, "role", None) != Role.INSPECTOR and not u.is_superuser for u in team):
        raise Refused(gettext("检查人员必须是纪检监察人员"))
    locked.status = Status.IN_PROGRESS
    locked.started_on = started_on or timezone.localdate()
    locked.save(update_fields=["status", "started_on"])
    locked.inspectors.set(team)
    audit_record(
        actor=actor,
        action="inspection.start",
        obj=locked,
        before={"status": Status.PLANNED},
        after={"status": locked.status, "started_on": locked.started_on, "inspectors": [u.pk for u in team]},
    )
    inspection.refresh_from_db()
    return inspection


@transaction.atomic
def finding_record(
    *,
    actor: Any,
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
    locked = _lock(inspection, {Status.IN_PROGRESS}, gettext("记录问题"))
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
        recorded_by=actor if getattr(actor, "pk", None) else None,
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


def _confirm_anomaly(actor: Any, finding: Finding) -> None:
    """A confirmed finding confirms the anomaly it came from (the anomaly's service writes its own entry)."""
    anomaly = finding.anomaly
    if anomaly is None or anomaly.status not in {Anomaly.Status.OPEN, Anomaly.Status.UNDER_INSPECTION}:
        return
    note = f"检查 {finding.inspection.number} 查实：{finding.type.name}"
    if anomaly.status == Anomaly.Status.OPEN:
        anomaly_mark_under_inspection(actor=actor, anomaly=anomaly, note=note)
    anomaly_confirm(actor=actor, anomaly=anomaly, note=note)


@transaction.atomic
def finding_confirm(*, actor: Any, finding: Finding) -> Finding:
    """Mark a finding 查实 (it goes on the feedback form; an accountability record may cite it)."""
    inspection = finding.inspection
    require_inspector(actor, inspection.district_id)
    _lock(inspection, {Status.IN_PROGRESS, Status.FINDINGS_RECORDED}, gettext("查实问题"))
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
def findings_conclude(*, actor: Any, inspection: Inspection, summary: str) -> Inspection:
    """Close the finding stage with the 检查情况; unconfirmed findings stay off the feedback form."""
    require_inspector(actor, inspection.district_id)
    locked = _lock(inspection, {Status.IN_PROGRESS}, gettext("认定问题"))
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


@transaction.atomic
def feedback_send(
    *, actor: Any, inspection: Inspection, deadline: date | None, requirement: str = ""
) -> FeedbackForm:
    """Generate and keep the 检查反馈表 (Word and PDF); with confirmed findings, open the rectification."""
    require_inspector(actor, inspection.district_id)
    locked = _lock(inspection, {Status.FINDINGS_RECORDED}, gettext("发送检查反馈表"))
    today = timezone.localdate()
    has_findings = locked.findings.filter(confirmed=True).exists()
    if has_findings:
        if deadline is None:
            raise Refused(gettext("有查实问题，请填写整改期限"))
        if deadline <= today:
            raise Refused(gettext("整改期限必须晚于今天"))
        if not requirement.strip():
            raise Refused(gettext("请填写整改要求"))
    context = feedback_context(
        locked, deadline=deadline if has_findings else None, requirement=requirement.strip(), issued_on=today
    )
    version, docx, pdf = feedback_files(locked, context)
    form = FeedbackForm.objects.create(
        inspection=locked,
        template_version=version,
        docx=docx,
        pdf=pdf,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    if has_findings and deadline is not None:
        Rectification.objects.create(inspection=locked, deadline=deadline, requirement=requirement.strip())
    locked.status = Status.FEEDBACK_SENT
    locked.feedback_sent_at = timezone.now()
    locked.save(update_fields=["status", "feedback_sent_at"])
    audit_record(
        actor=actor,
        action="inspection.feedback_send",
        obj=locked,
        before={"status": Status.FINDINGS_RECORDED},
        after={
            "status": locked.status,
            "template_version": version,
            "deadline": deadline if has_findings else None,
            "findings": context["finding_count"],
        },
    )
    inspection.refresh_from_db()
    return form


def _require_unit(actor: Any, inspection: Inspection) -> None:
    if not is_unit_of(actor, inspection):
        raise PermissionDenied(gettext("只有被检查单位的管理员可以提交整改材料"))


@transaction.atomic
def rectification_plan_submit(*, actor: Any, inspection: Inspection, plan_text: str) -> Rectification:
    _require_unit(actor, inspection)
    locked = _lock(inspection, {Status.FEEDBACK_SENT}, gettext("提交整改方案"))
    rect = Rectification.objects.select_for_update().filter(inspection=locked).first()
    if rect is None:
        raise Refused(gettext("本次检查未发现问题，无需整改"))
    if not plan_text.strip():
        raise Refused(gettext("请填写整改方案"))
    rect.plan_text = plan_text.strip()
    rect.plan_submitted_at = timezone.now()
    rect.save(update_fields=["plan_text", "plan_submitted_at"])
    locked.status = Status.RECTIFYING
    locked.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="inspection.rectification_plan",
        obj=locked,
        before={"status": Status.FEEDBACK_SENT},
        after={"status": locked.status, "plan_text": rect.plan_text},
    )
    inspection.refresh_from_db()
    return rect


@transaction.atomic
def rectification_proof_submit(
    *, actor: Any, inspection: Inspection, proof_text: str, files: list[Upload] | None = None
) -> Rectification:
    _require_unit(actor, inspection)
    locked = _lock(inspection, {Status.RECTIFYING}, gettext("提交整改情况"))
    rect = Rectification.objects.select_for_update().get(inspection=locked)
    if rect.proof_submitted_at is not None:
        raise Refused(gettext("整改情况已提交，正在等待验收"))
    if not proof_text.strip():
        raise Refused(gettext("请填写整改情况及佐证材料"))
    rect.proof_text = proof_text.strip()
    rect.proof_submitted_at = timezone.now()
    rect.save(update_fields=["proof_text", "proof_submitted_at"])
    stored = attachments_save(actor=actor, inspection=locked, purpose="proof", uploads=files or [])
    audit_record(
        actor=actor,
        action="inspection.rectification_proof",
        obj=locked,
        after={"proof_text": rect.proof_text, "late": rect.deadline < timezone.localdate(), "files": stored},
    )
    return rect


@transaction.atomic
def rectification_verify(*, actor: Any, inspection: Inspection, accepted: bool, note: str = "") -> Inspection:
    """Accept the proof (整改销号: the inspection closes) or send it back with the reason."""
    require_inspector(actor, inspection.district_id)
    locked = _lock(inspection, {Status.RECTIFYING}, gettext("验收整改"))
    rect = Rectification.objects.select_for_update().get(inspection=locked)
    if rect.proof_submitted_at is None:
        raise Refused(gettext("单位尚未提交整改情况及佐证，不能验收"))
    now = timezone.now()
    rect.verified_by = actor if getattr(actor, "pk", None) else None
    rect.verify_note = note.strip()
    if not accepted:
        if not note.strip():
            raise Refused(gettext("退回整改须说明理由"))
        rect.proof_submitted_at = None
        rect.save(update_fields=["verified_by", "verify_note", "proof_submitted_at"])
        audit_record(
            actor=actor,
            action="inspection.rectification_reject",
            obj=locked,
            after={"note": rect.verify_note},
        )
        return inspection
    rect.closed_at = now
    rect.save(update_fields=["verified_by", "verify_note", "closed_at"])
    locked.status = Status.CLOSED
    locked.closed_at = now
    locked.save(update_fields=["status", "closed_at"])
    audit_record(
        actor=actor,
        action="inspection.close",
        obj=locked,
        before={"status": Status.RECTIFYING},
        after={"status": locked.status, "verify_note": rect.verify_note, "late": rect.deadline < now.date()},
    )
    inspection.refresh_from_db()
    return inspection


@transaction.atomic
def inspection_close(*, actor: Any, inspection: Inspection, note: str = "") -> Inspection:
    """Close an inspection that found nothing to rectify, once its feedback has been sent."""
    require_inspector(actor, inspection.district_id)
    locked = _lock(inspection, {Status.FEEDBACK_SENT}, gettext("直接办结"))
    if Rectification.objects.filter(inspection=locked).exists():
        raise Refused(gettext("有待整改的问题，须验收整改后办结"))
    locked.status = Status.CLOSED
    locked.closed_at = timezone.now()
    locked.save(update_fields=["status", "closed_at"])
    audit_record(
        actor=actor,
        action="inspection.close",
        obj=locked,
        before={"status": Status.FEEDBACK_SENT},
        after={"status": locked.status, "note": note.strip()},
    )
    inspection.refresh_from_db()
    return inspection
