"""Plans and draws: only the district's inspectors (and superusers) make them; each write is one audit entry."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext

from pingyi.accounts.roles import Actor, person
from pingyi.audit.services import audit_record, snapshot
from pingyi.catalog.models import District, Unit, Window
from pingyi.inspections import draw as drawing
from pingyi.inspections.choices import Method
from pingyi.inspections.errors import Refused
from pingyi.inspections.models import Draw, Inspection, InspectionPlan
from pingyi.inspections.services.guards import require_inspector

POPULATION_KIND = {
    Draw.Population.ALL: "random",
    Draw.Population.QUIET: "targeted",
    Draw.Population.ANOMALY: "anomaly",
}


def _clean_methods(methods: list[str]) -> list[str]:
    unknown = [m for m in methods if m not in Method.values]
    if unknown:
        raise Refused(gettext("未知的检查方法：%(methods)s") % {"methods": gettext("、").join(unknown)})
    return [m for m in Method.values if m in methods]


@transaction.atomic
def plan_create(
    *,
    actor: Actor,
    district: District,
    title: str,
    kind: str,
    methods: list[str],
    period_start: date,
    period_end: date,
) -> InspectionPlan:
    require_inspector(actor, district.pk)
    if period_end < period_start:
        raise Refused(gettext("结束日期不能早于开始日期"))
    if not methods:
        raise Refused(gettext("请至少选择一种检查方法"))
    plan = InspectionPlan.objects.create(
        district=district,
        title=title.strip(),
        kind=kind,
        methods=_clean_methods(methods),
        period_start=period_start,
        period_end=period_end,
        created_by=person(actor),
    )
    audit_record(actor=actor, action="inspectionplan.create", obj=plan, after=snapshot(plan))
    return plan


@transaction.atomic
def plan_close(*, actor: Actor, plan: InspectionPlan) -> InspectionPlan:
    require_inspector(actor, plan.district_id)
    if plan.status == InspectionPlan.Status.CLOSED:
        raise Refused(gettext("该计划已结束"))
    plan.status = InspectionPlan.Status.CLOSED
    plan.save(update_fields=["status"])
    audit_record(actor=actor, action="inspectionplan.close", obj=plan, after={"status": plan.status})
    return plan


def draw_candidates(
    plan: InspectionPlan, population: str, *, quiet_days: int | None = None
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The candidate units of a draw, in order, and the parameters that produced them (stored with the draw)."""
    district = plan.district
    if population == Draw.Population.ALL:
        return drawing.all_units(district), {}
    if population == Draw.Population.QUIET:
        days = quiet_days or settings.PINGYI_INSPECTIONS["quiet_days"]
        return drawing.quiet_units(district, days), {"quiet_days": days}
    if population == Draw.Population.ANOMALY:
        from pingyi.inspections.anomalies import anomaly_units

        return anomaly_units(district), {"anomaly_status": "open"}
    raise Refused(gettext("未知的抽取范围"))


@transaction.atomic
def draw_make(
    *,
    actor: Actor,
    plan: InspectionPlan,
    population: str,
    count: int,
    quiet_days: int | None = None,
    seed: str | None = None,
) -> Draw:
    """Draw ``count`` units of the population and plan one inspection of each; seed and candidates are stored."""
    require_inspector(actor, plan.district_id)
    InspectionPlan.objects.select_for_update().filter(pk=plan.pk).first()
    if plan.status != InspectionPlan.Status.OPEN:
        raise Refused(gettext("该计划已结束，不能再抽取"))
    candidates, params = draw_candidates(plan, population, quiet_days=quiet_days)
    if not candidates:
        raise Refused(gettext("没有符合条件的候选单位"))
    if count < 1 or count > len(candidates):
        raise Refused(gettext("抽取数量应在 1 到 %(n)s（候选单位数）之间") % {"n": len(candidates)})
    seed = seed or drawing.new_seed()
    picks = drawing.pick(seed, candidates, count)
    the_draw = Draw.objects.create(
        plan=plan,
        population=population,
        params=params,
        seed=seed,
        candidates=candidates,
        count=count,
        picks=picks,
        drawn_by=person(actor),
    )
    kind = plan.kind if plan.kind == "unannounced" else POPULATION_KIND[Draw.Population(population)]
    Inspection.objects.bulk_create(
        Inspection(
            district_id=plan.district_id,
            plan=plan,
            draw=the_draw,
            unit_id=unit_id,
            kind=kind,
            methods=plan.methods,
            planned_on=plan.period_start,
        )
        for unit_id in picks
    )
    codes = {c["id"]: c["code"] for c in candidates}
    audit_record(
        actor=actor,
        action="draw.make",
        obj=the_draw,
        district_id=plan.district_id,
        after={
            "plan": plan.pk,
            "population": population,
            "params": params,
            "seed": seed,
            "candidates": [c["code"] for c in candidates],
            "count": count,
            "picks": [codes[i] for i in picks],
        },
    )
    return the_draw


def draw_redo(the_draw: Draw) -> list[int]:
    """The picks recomputed from the stored seed and candidates (equal to ``the_draw.picks`` unless tampered)."""
    return drawing.pick(the_draw.seed, list(the_draw.candidates), the_draw.count)


@transaction.atomic
def inspection_add(
    *,
    actor: Actor,
    plan: InspectionPlan,
    unit: Unit,
    window: Window | None = None,
    planned_on: date | None = None,
) -> Inspection:
    """Add one unit to a plan by hand (定点查 of a unit the inspectors chose, e.g. after a complaint)."""
    require_inspector(actor, plan.district_id)
    if plan.status != InspectionPlan.Status.OPEN:
        raise Refused(gettext("该计划已结束，不能再添加检查"))
    if unit.district_id != plan.district_id or (window is not None and window.unit_id != unit.pk):
        raise Refused(gettext("单位或窗口不属于本计划所在的区"))
    inspection = Inspection.objects.create(
        district_id=plan.district_id,
        plan=plan,
        unit=unit,
        window=window,
        kind=plan.kind,
        methods=plan.methods,
        planned_on=planned_on or plan.period_start,
    )
    audit_record(actor=actor, action="inspection.create", obj=inspection, after=snapshot(inspection))
    return inspection
