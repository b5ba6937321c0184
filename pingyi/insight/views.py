"""Dashboards and rankings pages. Every figure comes from ``metrics`` / ``rankings`` (the cubes)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pingyi.accounts.roles import Someone, is_inspector
from pingyi.accounts.scopes import restrict
from pingyi.catalog.models import ServiceItem
from pingyi.insight import metrics, rankings
from pingyi.insight.cubes.rollups import refreshed_at
from pingyi.insight.filters import DRILL, FIRST_YEAR, LAST_YEAR, read_request
from pingyi.insight.metrics import Scope, Summary
from pingyi.lib.scales import CHANNEL_LABELS

DRILL_ROWS = (
    200  # the drill-down table shows this many rows (the most ratings first); the export has them all
)
WEEKDAYS = [
    gettext_lazy("周一"),
    gettext_lazy("周二"),
    gettext_lazy("周三"),
    gettext_lazy("周四"),
    gettext_lazy("周五"),
    gettext_lazy("周六"),
    gettext_lazy("周日"),
]
LEVEL_NAMES = {
    5: gettext_lazy("非常满意"),
    4: gettext_lazy("满意"),
    3: gettext_lazy("基本满意"),
    2: gettext_lazy("不满意"),
    1: gettext_lazy("非常不满意"),
}


def _pct(value: float | None, digits: int = 2) -> float | None:
    return round(100 * value, digits) if value is not None else None


def figures(scope: Scope, period: metrics.Period, drill_by: str) -> dict[str, Any]:
    """Every figure the dashboard shows (the P4 benchmark times exactly this)."""
    total = metrics.summary(scope, period)
    return {
        "total": total,
        "tickets": metrics.ticket_summary(scope, period),
        "rows": metrics.breakdown(scope, period, drill_by, limit=DRILL_ROWS + 1),
        "charts": _chart_data(scope, period, total),
    }


def _chart_data(scope: Scope, period: metrics.Period, total: Summary) -> dict[str, Any]:
    step = "day" if (period.end - period.start).days <= 62 else "month"
    trend = metrics.trend(scope, period, step)
    channels = metrics.breakdown(scope, period, "channel")
    level = total.levels
    grid = metrics.heatmap(scope, period)
    return {
        "names": {"ratings": _("评价数"), "negative": _("差评"), "satisfaction": _("满意率%")},
        "trend": {
            "labels": [d.strftime("%m-%d" if step == "day" else "%Y-%m") for d, _ in trend],
            "ratings": [s.ratings for _, s in trend],
            "negative": [s.negative for _, s in trend],
            "satisfaction": [_pct(s.satisfaction) for _, s in trend],
        },
        "levels": {
            "labels": [str(LEVEL_NAMES[k]) for k in range(5, 0, -1)],
            "counts": [level[k] for k in range(5, 0, -1)],
        },
        "channels": [{"name": r.label, "value": r.summary.ratings} for r in channels],
        "heatmap": {
            "days": [str(d) for d in WEEKDAYS],
            "cells": [
                [hour, day, grid[day][hour]] for day in range(7) for hour in range(24) if grid[day][hour]
            ],
            "max": max((max(row) for row in grid), default=0),
        },
    }


def _row(summary: Summary) -> dict[str, Any]:
    return {
        "s": summary,
        "satisfaction": _pct(summary.satisfaction),
        "verified": _pct(summary.verified_satisfaction),
        "participation": _pct(summary.participation, 1),
    }


@login_required
def dashboard(request: HttpRequest) -> HttpResponseBase:
    req = read_request(request)
    scope, period = req.scope, req.period
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):  # the drill-down table as a download, same scope and filters
        from pingyi.reports.exports import export_response
        from pingyi.reports.tables import ratings_table

        return export_response(ratings_table(scope, period, req.next_level), export)
    drill_by = req.next_level
    shown = figures(scope, period, drill_by)
    total, tickets, rows = shown["total"], shown["tickets"], shown["rows"]
    base_query = "&".join(f"{k}={v}" for k, v in req.params.items())
    period_query = request.GET.copy()
    for key in ("hall", "unit", "window", "staff", "export"):
        period_query.pop(key, None)
    context = {
        "req": req,
        "total": _row(total),
        "revocation_rate": _pct(total.revoked / total.negative if total.negative else None, 1),
        "tickets": tickets,
        "on_time": _pct(tickets.on_time_rate, 1),
        "drill_by": drill_by,
        "drill_label": {"unit": _("单位"), "window": _("窗口"), "staff": _("工作人员"), "item": _("事项")}[
            drill_by
        ],
        "drillable": drill_by in DRILL and drill_by != "item",
        "rows": [{"row": r, **_row(r.summary)} for r in rows[:DRILL_ROWS]],
        "truncated": len(rows) > DRILL_ROWS,
        "drill_rows": DRILL_ROWS,
        "base_query": base_query,
        "period_query": period_query.urlencode(),
        "charts": shown["charts"],
        "channels": [(c.value, label) for c, label in CHANNEL_LABELS.items()],
        "items": restrict(ServiceItem.objects.order_by("code"), request.user).values_list("pk", "name")[:500],
        "refreshed_at": refreshed_at(),
        "sees_rankings": _sees_rankings(request.user),
    }
    return render(request, "insight/dashboard.html", context)


def _month(value: str | None) -> date:
    today = timezone.localdate()
    if value:
        try:
            year, month = (int(part) for part in value.split("-")[:2])
            if FIRST_YEAR <= year <= LAST_YEAR:
                return date(year, month, 1)
        except ValueError:
            pass
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)  # last month: the last complete ranking


def _sees_rankings(user: Someone) -> bool:
    """The full rankings (every window, the composite's parts, any month) are the inspectors'; the public page
    publishes last month's unit ranking and last week's 十差 for everyone."""
    return is_inspector(user)


@login_required
def ranking(request: HttpRequest) -> HttpResponse:
    scope = Scope.for_user(request.user, None)
    if scope is None or not _sees_rankings(request.user):
        raise Http404
    month = _month(request.GET.get("month"))
    # Last week by default, like the published 十差: the current week is not over.
    week = timezone.localdate() - timedelta(days=timezone.localdate().weekday() + 7)
    if request.GET.get("week"):
        try:
            asked = date.fromisoformat(request.GET["week"])
            if FIRST_YEAR <= asked.year <= LAST_YEAR:
                week = asked
        except ValueError:
            pass
    week -= timedelta(days=week.weekday())
    district = scope.district_id
    context = {
        "month": month,
        "week": week,
        "week_end": week + timedelta(days=6),
        "units": rankings.unit_ranking(district, month),
        "windows": rankings.window_ranking(district, month)[:30],
        "shicha": rankings.shicha(district, week),
        "composite": rankings.composite(district, month),
        "weights": rankings.weights(),
        "min_sample": rankings.min_sample(),
    }
    return render(request, "insight/ranking.html", context)
