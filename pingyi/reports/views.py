"""Report pages: ask for a report, watch it being built, download it; and the table exports (CSV / Excel)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from pingyi.accounts.roles import Someone, signed_in
from pingyi.accounts.scopes import restrict
from pingyi.insight.metrics import Period
from pingyi.reports import access, tables
from pingyi.reports.exports import XLSX_TYPE, export_response
from pingyi.reports.figures import LABELS, Figures
from pingyi.reports.forms import PeriodForm, ReportForm
from pingyi.reports.models import Report
from pingyi.reports.services import report_request, report_retry


def _reports(user: Someone) -> Any:
    return restrict(Report.objects.select_related("district", "unit", "requested_by"), user).defer(
        "xlsx", "pdf"
    )


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    if not access.may_report(request.user):
        raise Http404
    form = ReportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = report_request(
                actor=signed_in(request),
                kind=data["kind"],
                year=data["year"],
                month=data["month"],
                unit_id=data["unit_id"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            return redirect("reports:report_detail", pk=report.pk)
    page = Paginator(_reports(request.user), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/report_list.html",
        {
            "form": form,
            "page": page,
            "breakdowns": tables.BREAKDOWNS,
            "units": access.units_for(request.user),
            "district_allowed": access.may_report_district(request.user),
        },
        status=400 if form.errors else 200,
    )


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(_reports(request.user), pk=pk)
    if request.headers.get("HX-Request"):
        return render(request, "reports/_progress.html", {"report": report})
    figures = Figures.from_json(report.figures) if report.status == Report.Status.DONE else None
    return render(
        request,
        "reports/report_detail.html",
        {
            "report": report,
            "figures": [
                (name, text, shown, LABELS[name].counts) for name, text, _value, shown in figures.rows()
            ]
            if figures
            else [],
            "report_tables": [
                ("ranked", "单位排名" if report.unit_id is None else "窗口排名"),
                ("tickets-by-unit", "工单办理"),
                ("tickets", "工单明细"),
                ("problems", "问题类型"),
                ("items", "差评较多的事项"),
            ],
        },
    )


@login_required
@require_POST
def report_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Build a failed report again (e.g. after its worker stopped), for whoever may see it and ask for reports."""
    report = get_object_or_404(_reports(request.user), pk=pk)
    if not access.may_report(request.user):
        raise Http404
    try:
        report_retry(actor=signed_in(request), report=report)
    except ValidationError:
        pass  # not failed (any more): the page shows what it is
    return redirect("reports:report_detail", pk=report.pk)


@login_required
@require_GET
def report_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    report = get_object_or_404(_reports(request.user).defer(None), pk=pk, status=Report.Status.DONE)
    content = bytes((report.xlsx if fmt == "xlsx" else report.pdf) or b"")
    response = HttpResponse(content, content_type=XLSX_TYPE if fmt == "xlsx" else "application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report.file_stem}.{fmt}"'
    return response


def _period(request: HttpRequest) -> dict[str, Any] | HttpResponse:
    form = PeriodForm(request.GET)
    if not form.is_valid():
        message = "；".join(str(e) for errors in form.errors.values() for e in errors)
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    return form.cleaned_data


@login_required
@require_GET
def table_export(request: HttpRequest, table: str, fmt: str) -> HttpResponseBase:
    """One of a report's tables for a period, for the district or a unit within the user's scope."""
    builder = tables.REPORT_TABLES.get(table)
    if builder is None:
        raise Http404
    period = _period(request)
    if isinstance(period, HttpResponse):
        return period
    district, unit = access.resolve(request.user, period["unit"])
    where = tables.Where(district.pk, unit.pk if unit else None, period["start"], period["end"])
    return export_response(builder(where), fmt)


@login_required
@require_GET
def ratings_export(request: HttpRequest, by: str, fmt: str) -> HttpResponseBase:
    """The ratings measures of the user's scope (or one of its units) broken down by window, staff, item …"""
    if by not in tables.BREAKDOWNS:
        raise Http404
    period = _period(request)
    if isinstance(period, HttpResponse):
        return period
    scope = access.ratings_scope(request.user, period["unit"])
    return export_response(tables.ratings_table(scope, Period(period["start"], period["end"]), by), fmt)
