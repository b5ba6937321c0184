"""One inspection's own steps: opened from an anomaly, started, its 检查反馈表 sent, closed without rectification.

planned → in_progress → findings_recorded → feedback_sent → rectifying → closed (feedback_sent → closed directly
when nothing was found; the findings are ``findings``, the rectification ``rectification``). Each step is one
transaction and one audit entry on the inspection; a step from the wrong status is refused with ``Refused`` and a
Chinese message naming the current status. Inspectors of the district (and superusers) take these steps.

Linked anomalies (pingyi.oversight) change status through their own services, which write their own audit entry:
opening an inspection from an anomaly marks it 核查中.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from pingyi.accounts.models import User
from pingyi.accounts.roles import Actor, is_inspector, person
from pingyi.audit.services import audit_record, snapshot
from pingyi.inspections.choices import Kind, Method, Status
from pingyi.inspections.errors import Refused
from pingyi.inspections.feedback import feedback_context, feedback_files
from pingyi.inspections.models import FeedbackForm, Inspection, InspectionPlan, Rectification
from pingyi.inspections.services.guards import lock_in, require_inspector
from pingyi.oversight.models import Anomaly
from pingyi.oversight.services import anomaly_mark_under_inspection


@transaction.atomic
def inspection_from_anomaly(
    *, actor: Actor, anomaly: Anomaly, plan: InspectionPlan | None = None, planned_on: date | None = None
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
    *,
    actor: Actor,
    inspection: Inspection,
    inspectors: list[User] | None = None,
    started_on: date | None = None,
) -> Inspection:
    require_inspector(actor, inspection.district_id)
    locked = lock_in(inspection, {Status.PLANNED}, gettext("开始检查"))
    lead = person(actor)
    assert lead is not None  # require_inspector lets only a person through
    team = list(inspectors or [lead])
    if not all(is_inspector(u, locked.district_id) for u in team):
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
def feedback_send(
    *, actor: Actor, inspection: Inspection, deadline: date | None, requirement: str = ""
) -> FeedbackForm:
    """Generate and keep the 检查反馈表 (Word and PDF); with confirmed findings, open the rectification."""
    require_inspector(actor, inspection.district_id)
    locked = lock_in(inspection, {Status.FINDINGS_RECORDED}, gettext("发送检查反馈表"))
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
        created_by=person(actor),
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


@transaction.atomic
def inspection_close(*, actor: Actor, inspection: Inspection, note: str = "") -> Inspection:
    """Close an inspection that found nothing to rectify, once its feedback has been sent."""
    require_inspector(actor, inspection.district_id)
    locked = lock_in(inspection, {Status.FEEDBACK_SENT}, gettext("直接办结"))
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
