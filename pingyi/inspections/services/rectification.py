"""The unit's rectification (整改) of confirmed findings: its plan and proof (the inspected unit's admin), the
inspectors' verification (accepted: the inspection closes, 整改销号; rejected: back to the unit with the reason)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from pingyi.accounts.roles import Actor, person
from pingyi.audit.services import audit_record
from pingyi.inspections.attachments import Upload, attachments_save
from pingyi.inspections.choices import Status
from pingyi.inspections.errors import Refused
from pingyi.inspections.models import Inspection, Rectification
from pingyi.inspections.services.guards import lock_in, require_inspector, require_unit


@transaction.atomic
def rectification_plan_submit(*, actor: Actor, inspection: Inspection, plan_text: str) -> Rectification:
    require_unit(actor, inspection)
    locked = lock_in(inspection, {Status.FEEDBACK_SENT}, gettext("提交整改方案"))
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
    *, actor: Actor, inspection: Inspection, proof_text: str, files: list[Upload] | None = None
) -> Rectification:
    require_unit(actor, inspection)
    locked = lock_in(inspection, {Status.RECTIFYING}, gettext("提交整改情况"))
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
def rectification_verify(
    *, actor: Actor, inspection: Inspection, accepted: bool, note: str = ""
) -> Inspection:
    """Accept the proof (整改销号: the inspection closes) or send it back with the reason."""
    require_inspector(actor, inspection.district_id)
    locked = lock_in(inspection, {Status.RECTIFYING}, gettext("验收整改"))
    rect = Rectification.objects.select_for_update().get(inspection=locked)
    if rect.proof_submitted_at is None:
        raise Refused(gettext("单位尚未提交整改情况及佐证，不能验收"))
    now = timezone.now()
    rect.verified_by = person(actor)
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
