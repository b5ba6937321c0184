"""Reads a person triggers: always through the scope rules, plus the unit's "only after feedback" condition."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from pingyi.accounts.models import Role
from pingyi.accounts.scopes import restrict
from pingyi.audit.models import AuditEntry
from pingyi.inspections.models import VISIBLE_TO_UNIT, Draw, Inspection, InspectionPlan


def is_inspector(user: Any, district_id: int | None = None) -> bool:
    """A superuser, or an inspector (of ``district_id`` when given): the people who plan, find and verify."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser or user.role == Role.SUPERUSER:
        return True
    if user.role != Role.INSPECTOR or user.district_id is None:
        return False
    return district_id is None or user.district_id == district_id


def is_unit_of(user: Any, inspection: Inspection) -> bool:
    """The admin of the inspected unit, once the unit may see the inspection."""
    return (
        getattr(user, "role", None) == Role.UNIT_ADMIN
        and user.unit_id == inspection.unit_id
        and inspection.status in VISIBLE_TO_UNIT
    )


def inspections_for(user: Any) -> QuerySet[Inspection]:
    qs = restrict(Inspection.objects.all(), user)
    if not is_inspector(user):
        qs = qs.filter(status__in=VISIBLE_TO_UNIT)
    return qs.select_related("unit", "window", "plan", "rectification")


def inspection_get(user: Any, pk: int) -> Inspection:
    inspection = inspections_for(user).filter(pk=pk).first()
    if inspection is None:
        raise Http404
    return inspection


def plans_for(user: Any) -> QuerySet[InspectionPlan]:
    return restrict(InspectionPlan.objects.all(), user)


def draw_get(user: Any, pk: int) -> Draw:
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
