"""Inspectors' pages: plans, draws (seed, candidates, picks and the recomputation), inspections from anomalies.
Everyone else gets 404 here."""

from __future__ import annotations

from typing import Any

from django import forms as djforms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pingyi.accounts.roles import is_inspector, signed_in
from pingyi.accounts.scopes import restrict
from pingyi.catalog.models import District
from pingyi.inspections import draw as drawing
from pingyi.inspections.errors import Refused
from pingyi.inspections.models import InspectionPlan
from pingyi.inspections.selectors import draw_get, plans_for
from pingyi.inspections.services.lifecycle import inspection_from_anomaly
from pingyi.inspections.services.plans import draw_make, draw_redo, inspection_add, plan_close, plan_create
from pingyi.inspections.web import forms
from pingyi.oversight.models import Anomaly


def _inspector_only(request: HttpRequest) -> None:
    if not is_inspector(request.user):
        raise Http404


def _district(request: HttpRequest) -> District:
    """The inspector's district; a superuser works on the first district (one deployment has one)."""
    district_id = getattr(request.user, "district_id", None)
    district_id = district_id or District.objects.order_by("id").values_list("id", flat=True).first()
    if district_id is None:
        raise Http404
    return District.objects.get(pk=district_id)


@login_required
@require_http_methods(["GET", "POST"])
def plan_list(request: HttpRequest) -> HttpResponse:
    _inspector_only(request)
    form = forms.PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = plan_create(actor=signed_in(request), district=_district(request), **form.cleaned_data)
        except Refused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, gettext("已创建检查计划“%(title)s”") % {"title": plan.title})
            return redirect("inspections:plan_detail", pk=plan.pk)
    plans = plans_for(request.user).prefetch_related("inspections")
    status = 400 if request.method == "POST" else 200
    return render(request, "inspections/plan_list.html", {"plans": plans, "form": form}, status=status)


def _plan_page(
    request: HttpRequest,
    plan: InspectionPlan,
    bound: dict[str, djforms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "plan": plan,
        "draws": plan.draws.select_related("drawn_by"),
        "inspections": plan.inspections.select_related("unit", "rectification").order_by("unit__code"),
        "draw_form": forms.DrawForm(),
        "add_form": forms.AddUnitForm(district_id=plan.district_id),
        **(bound or {}),
    }
    return render(request, "inspections/plan_detail.html", context, status=status)


def _plan(request: HttpRequest, pk: int) -> InspectionPlan:
    _inspector_only(request)
    return get_object_or_404(plans_for(request.user), pk=pk)


@login_required
@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_page(request, _plan(request, pk))


@login_required
@require_POST
def draw_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    form = forms.DrawForm(request.POST)
    if form.is_valid():
        try:
            made = draw_make(actor=signed_in(request), plan=plan, **form.cleaned_data)
        except Refused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, gettext("已抽取 %(n)s 家单位，随机种子已记录") % {"n": made.count})
            return redirect("inspections:draw_detail", pk=made.pk)
    return _plan_page(request, plan, {"draw_form": form}, status=400)


@login_required
@require_POST
def plan_add_unit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    form = forms.AddUnitForm(request.POST, district_id=plan.district_id)
    if form.is_valid():
        try:
            inspection = inspection_add(actor=signed_in(request), plan=plan, **form.cleaned_data)
        except Refused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, gettext("已添加对“%(unit)s”的检查") % {"unit": inspection.unit.name})
            return redirect("inspections:plan_detail", pk=plan.pk)
    return _plan_page(request, plan, {"add_form": form}, status=400)


@login_required
@require_POST
def plan_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    try:
        plan_close(actor=signed_in(request), plan=plan)
    except Refused as exc:
        messages.error(request, exc.message)
    return redirect("inspections:plan_detail", pk=plan.pk)


@login_required
@require_GET
def draw_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _inspector_only(request)
    made = draw_get(request.user, pk)
    picked = {unit_id: n for n, unit_id in enumerate(made.picks, start=1)}
    rows = sorted(
        (
            {**c, "score": drawing.score(made.seed, str(c["code"])), "rank": picked.get(c["id"])}
            for c in made.candidates
        ),
        key=lambda row: row["score"],
    )
    context = {"draw": made, "rows": rows, "redo_matches": draw_redo(made) == list(made.picks)}
    return render(request, "inspections/draw_detail.html", context)


@login_required
@require_POST
def from_anomaly(request: HttpRequest, anomaly_id: int) -> HttpResponse:
    _inspector_only(request)
    anomaly = get_object_or_404(restrict(Anomaly.objects.all(), request.user), pk=anomaly_id)
    try:
        inspection = inspection_from_anomaly(actor=signed_in(request), anomaly=anomaly)
    except Refused as exc:
        messages.error(request, exc.message)
        existing = anomaly.inspections.order_by("-id").first()
        if existing is not None:
            return redirect("inspections:inspection_detail", pk=existing.pk)
        raise Http404 from exc
    messages.success(request, gettext("已据异常立项检查 %(number)s") % {"number": inspection.number})
    return redirect("inspections:inspection_detail", pk=inspection.pk)
