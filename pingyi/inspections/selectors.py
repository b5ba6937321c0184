"""Reads a person triggers: always through the scope rules, plus the unit's "only after feedback" condition."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import pgettext_lazy

from pingyi.accounts.roles import Someone, is_inspector, is_unit_admin
from pingyi.accounts.scopes import restrict
from pingyi.audit.models import AuditEntry
from pingyi.inspections.models import VISIBLE_TO_UNIT, Draw, Inspection, InspectionPlan

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


def is_unit_of(user: Someone, inspection: Inspection) -> bool:
    """The admin of the inspected unit, once the unit may see the inspection."""
    return is_unit_admin(user, inspection.unit_id) and inspection.status in VISIBLE_TO_UNIT


def inspections_for(user: Someone) -> QuerySet[Inspection]:
    qs = restrict(Inspection.objects.all(), user)
    if not is_inspector(user):
        qs = qs.filter(status__in=VISIBLE_TO_UNIT)
    return qs.select_related("unit", "window", "plan", "rectification")


def inspection_get(user: Someone, pk: int) -> Inspection:
    inspection = inspections_for(user).filter(pk=pk).first()
    if inspection is None:
        raise Http404
    return inspection


def plans_for(user: Someone) -> QuerySet[InspectionPlan]:
    return restrict(InspectionPlan.objects.all(), user)


def draw_get(user: Someone, pk: int) -> Draw:
    draw = restrict(Draw.objects.select_related("plan", "drawn_by"), user).filter(pk=pk).first()
    if draw is None:
        raise Http404
    return draw


def inspection_timeline(inspection: Inspection) -> QuerySet[AuditEntry]:
    """The inspection's own audit entries (every transition writes one), oldest first, plus its draw."""
    query = Q(object_type="inspections.inspection", object_id=str(inspection.pk))
    if inspection.draw_id:
        query |= Q(object_type="inspections.draw", object_id=str(inspection.draw_id))
    return AuditEntry.objects.filter(query).order_by("seq")
