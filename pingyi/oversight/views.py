"""数据比对 pages: the ranked anomaly list with the run button, the one-screen detail, status actions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from pingyi.accounts.roles import Someone, is_inspector, signed_in
from pingyi.accounts.scopes import can_view
from pingyi.oversight import selectors
from pingyi.oversight.forms import RunForm
from pingyi.oversight.models import Anomaly, AnomalyKind, ComparisonRun
from pingyi.oversight.services import (
    AnomalyError,
    anomaly_confirm,
    anomaly_dismiss,
    anomaly_mark_under_inspection,
    anomaly_samples_reveal,
    comparison_retry,
    comparison_run,
    comparison_start,
)

# Periods up to this long run while the page waits; longer ones go to the worker.
SYNC_DAYS = 93


def _guard(request: HttpRequest) -> None:
    if not can_view(request.user, Anomaly) or not is_inspector(request.user):
        raise Http404


@login_required
def anomaly_list(request: HttpRequest) -> HttpResponse:
    _guard(request)
    anomalies = selectors.visible_anomalies(request.user).order_by("-score", "-id")
    f = {k: request.GET.get(k, "") for k in ("kind", "status", "unit", "month")}
    if f["kind"] in AnomalyKind.values:
        anomalies = anomalies.filter(kind=f["kind"])
    if f["status"] in Anomaly.Status.values:
        anomalies = anomalies.filter(status=f["status"])
    if f["unit"].isdigit():
        anomalies = anomalies.filter(unit_id=int(f["unit"]))
    if len(f["month"]) == 7 and f["month"][4] == "-" and f["month"].replace("-", "").isdigit():
        year, month = int(f["month"][:4]), int(f["month"][5:])
        anomalies = anomalies.filter(period_start__year=year, period_start__month=month)
    units = (
        selectors.visible_anomalies(request.user)
        .order_by("unit__code")
        .values_list("unit_id", "unit__name")
        .distinct()
    )
    params = request.GET.copy()
    params.pop("page", None)
    today = timezone.localdate()
    form = RunForm(
        initial={"start": today.replace(day=1) if today.day > 1 else today - timedelta(days=30), "end": today}
    )
    return render(
        request,
        "oversight/anomaly_list.html",
        {
            "page": Paginator(anomalies, 50).get_page(request.GET.get("page")),
            "filters": f,
            "kinds": AnomalyKind.choices,
            "statuses": Anomaly.Status.choices,
            "units": list(units),
            "querystring": params.urlencode(),
            "form": form,
            **_runs_context(request.user),
        },
    )


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    """The recent runs (an htmx fragment polled while one is running)."""
    _guard(request)
    return render(request, "oversight/_runs.html", _runs_context(request.user))


def _runs_context(user: Someone) -> dict[str, Any]:
    runs = list(selectors.visible_runs(user)[:5])
    return {"runs": runs, "running": any(run.status == ComparisonRun.Status.RUNNING for run in runs)}


@login_required
@require_POST
def run_create(request: HttpRequest) -> HttpResponse:
    _guard(request)
    form = RunForm(request.POST)
    district = request.user.district if not request.user.is_superuser else None  # type: ignore[union-attr]
    if district is None:
        from pingyi.catalog.models import District

        district = District.objects.order_by("code").first()
    if not form.is_valid() or district is None:
        messages.error(
            request, "；".join(str(e) for errors in form.errors.values() for e in errors) or "没有可比对的区"
        )
        return redirect("oversight:anomaly_list")
    try:
        run = comparison_start(
            actor=signed_in(request),
            district=district,
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
            trigger=ComparisonRun.Trigger.BACK_OFFICE,
        )
    except AnomalyError as exc:
        messages.error(request, exc.message)
        return redirect("oversight:anomaly_list")
    if (run.period_end - run.period_start).days < SYNC_DAYS:
        comparison_run(actor=signed_in(request), run=run)
        found = sum(c.get("found", 0) for k, c in run.counts.items() if isinstance(c, dict))
        messages.success(
            request,
            f"比对完成：{run.period_start}—{run.period_end}，发现异常 {found} 项，用时 {run.duration_ms} 毫秒",
        )
    else:
        from django_q.tasks import async_task

        async_task("pingyi.oversight.tasks.run_queued", run.pk, request.user.pk)
        messages.success(request, "比对已排队，由后台任务执行；完成后列表自动刷新")
    return redirect("oversight:anomaly_list")


@login_required
@require_POST
def run_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Compare a failed run's period again, queued for the worker."""
    _guard(request)
    run = get_object_or_404(selectors.visible_runs(request.user), pk=pk)
    try:
        comparison_retry(actor=signed_in(request), run=run)
    except AnomalyError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "比对已重新排队，由后台任务执行；完成后列表自动刷新")
    return redirect("oversight:anomaly_list")


def _detail(
    request: HttpRequest, anomaly: Anomaly, *, error: str = "", revealed: dict[int, str] | None = None
) -> HttpResponse:
    kind, rows = selectors.samples(anomaly)
    for row in rows:
        row.revealed = (revealed or {}).get(row.pk, "")
    return render(
        request,
        "oversight/anomaly_detail.html",
        {
            "anomaly": anomaly,
            "evidence": selectors.evidence_rows(anomaly),
            "daily": anomaly.evidence.get("daily", []),
            "daily_of": anomaly.evidence.get("daily_of", "unit"),
            "sample_kind": kind,
            "samples": rows,
            "error": error,
            "note": request.POST.get("note", "") if error else "",
            "revealed": bool(revealed),
        },
        status=400 if error else 200,
    )


@login_required
def anomaly_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _guard(request)
    return _detail(request, get_object_or_404(selectors.visible_anomalies(request.user), pk=pk))


@login_required
@require_POST
def anomaly_action(request: HttpRequest, pk: int) -> HttpResponse:
    _guard(request)
    anomaly = get_object_or_404(selectors.visible_anomalies(request.user), pk=pk)
    action, note = request.POST.get("action", ""), request.POST.get("note", "")
    try:
        if action == "inspect":
            anomaly_mark_under_inspection(actor=signed_in(request), anomaly=anomaly, note=note)
        elif action == "confirm":
            anomaly_confirm(actor=signed_in(request), anomaly=anomaly, note=note)
        elif action == "dismiss":
            anomaly_dismiss(actor=signed_in(request), anomaly=anomaly, reason=note)
        elif action == "reveal":
            _, rows = selectors.samples(anomaly)
            return _detail(
                request,
                anomaly,
                revealed=anomaly_samples_reveal(actor=signed_in(request), anomaly=anomaly, rows=rows),
            )
        else:
            raise AnomalyError("未知操作")
    except AnomalyError as exc:
        return _detail(request, anomaly, error=exc.message)
    messages.success(request, f"已更新为“{anomaly.get_status_display()}”")
    return redirect("oversight:anomaly_detail", pk=anomaly.pk)
