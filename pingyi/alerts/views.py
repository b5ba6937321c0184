"""预警 pages: the scoped alert list, the detail with evidence and actions, the rules (inspectors), subscriptions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pingyi.accounts.roles import Someone, is_inspector, signed_in
from pingyi.accounts.scopes import can_view
from pingyi.alerts import selectors
from pingyi.alerts.defaults import KIND_FIELDS
from pingyi.alerts.forms import RuleCreateForm, RuleForm, SubscriptionForm
from pingyi.alerts.models import Alert, AlertKind, AlertRule
from pingyi.alerts.services import (
    AlertError,
    alert_acknowledge,
    alert_close,
    rule_create,
    rule_update,
    rules_ensure_defaults,
    subscription_add,
    subscription_remove,
)

FIELD_LABELS = {field.name: field.verbose_name for field in AlertRule._meta.concrete_fields}
STATUS_FILTERS = [("active", gettext_lazy("未关闭")), *Alert.Status.choices, ("all", gettext_lazy("全部"))]


def _guard(request: HttpRequest) -> None:
    if not can_view(request.user, Alert):
        raise Http404


def _inspector_guard(request: HttpRequest) -> None:
    if not is_inspector(request.user):
        raise Http404


@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    _guard(request)
    alerts = selectors.visible_alerts(request.user).order_by("-raised_at", "-id")
    f = {k: request.GET.get(k, "") for k in ("status", "kind", "unit")}
    f["status"] = f["status"] or "active"
    if f["status"] == "active":
        alerts = alerts.filter(status__in=selectors.ACTIVE)
    elif f["status"] in Alert.Status.values:
        alerts = alerts.filter(status=f["status"])
    if f["kind"] in AlertKind.values:
        alerts = alerts.filter(kind=f["kind"])
    if f["unit"].isascii() and f["unit"].isdigit() and len(f["unit"]) < 19:
        alerts = alerts.filter(unit_id=int(f["unit"]))
    units = (
        selectors.visible_alerts(request.user)
        .filter(unit__isnull=False)
        .order_by("unit__code")
        .values_list("unit_id", "unit__name")
        .distinct()
    )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "alerts/alert_list.html",
        {
            "page": Paginator(alerts, 50).get_page(request.GET.get("page")),
            "filters": f,
            "statuses": STATUS_FILTERS,
            "kinds": AlertKind.choices,
            "units": list(units),
            "querystring": params.urlencode(),
            "is_inspector": is_inspector(request.user),
        },
    )


def _detail(request: HttpRequest, alert: Alert, *, error: str = "") -> HttpResponse:
    user = request.user
    notifications = []
    if can_view(user, AlertRule):  # who was notified: for inspectors
        notifications = list(alert.notifications.select_related("user", "sms").order_by("id"))
    return render(
        request,
        "alerts/alert_detail.html",
        {
            "alert": alert,
            "evidence": selectors.evidence_rows(alert.evidence),
            "latest": selectors.evidence_rows(alert.latest) if alert.latest != alert.evidence else [],
            "notifications": notifications,
            "may_close": alert.is_active and is_inspector(user, alert.district_id),
            "error": error,
            "note": request.POST.get("note", "") if error else "",
        },
        status=400 if error else 200,
    )


@login_required
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _guard(request)
    return _detail(request, get_object_or_404(selectors.visible_alerts(request.user), pk=pk))


@login_required
@require_POST
def alert_action(request: HttpRequest, pk: int) -> HttpResponse:
    _guard(request)
    alert = get_object_or_404(selectors.visible_alerts(request.user), pk=pk)
    action, note = request.POST.get("action", ""), request.POST.get("note", "")
    try:
        if action == "acknowledge":
            alert = alert_acknowledge(actor=signed_in(request), alert=alert, note=note)
        elif action == "close":
            alert = alert_close(actor=signed_in(request), alert=alert, note=note)
        else:
            raise AlertError(_("未知操作"))
    except AlertError as exc:
        return _detail(request, alert, error=exc.message)
    messages.success(request, _("预警已更新为“%(status)s”") % {"status": alert.get_status_display()})
    return redirect("alerts:alert_detail", pk=alert.pk)


# ---------------------------------------------------------------------------------------------------- rules
@login_required
def rule_list(request: HttpRequest) -> HttpResponse:
    _inspector_guard(request)
    user = signed_in(request)
    if user.district is not None:
        rules_ensure_defaults(district=user.district)  # the defaults appear on first use
    return render(
        request, "alerts/rule_list.html", {"rows": _rule_rows(user), "form": RuleCreateForm(user=user)}
    )


def _rule_rows(user: Someone) -> list[dict[str, Any]]:
    rules = selectors.visible_rules(user).order_by("district__code", "kind", "unit__code", "window__code")
    return [
        {
            "rule": rule,
            "thresholds": [(FIELD_LABELS[n], getattr(rule, n)) for n in KIND_FIELDS[rule.kind]],
        }
        for rule in rules
    ]


@login_required
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _inspector_guard(request)
    rule = get_object_or_404(selectors.visible_rules(request.user), pk=pk)
    form = RuleForm(request.POST or None, instance=rule)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            rule_update(actor=signed_in(request), rule=rule, values=form.cleaned_data)
        except AlertError as exc:
            error = exc.message
        else:
            messages.success(request, _("预警规则已保存"))
            return redirect("alerts:rule_list")
    return render(
        request,
        "alerts/rule_form.html",
        {"form": form, "rule": rule, "error": error},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def rule_create_view(request: HttpRequest) -> HttpResponse:
    _inspector_guard(request)
    form = RuleCreateForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            rule = rule_create(
                actor=signed_in(request),
                kind=form.cleaned_data["kind"],
                unit=form.cleaned_data["unit"],
                window=form.cleaned_data["window"],
                values={},
            )
        except AlertError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已按全区默认值新建规则，请调整阈值后保存"))
            return redirect("alerts:rule_edit", pk=rule.pk)
    return render(
        request, "alerts/rule_list.html", {"rows": _rule_rows(request.user), "form": form}, status=400
    )


# ------------------------------------------------------------------------------------------------ subscriptions
@login_required
def subscriptions(request: HttpRequest) -> HttpResponse:
    _guard(request)
    user = signed_in(request)
    form = SubscriptionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                subscription_add(
                    actor=user,
                    channel=form.cleaned_data["channel"],
                    address=form.cleaned_data["address"],
                    kinds=form.cleaned_data["kinds"],
                )
            except AlertError as exc:
                form.add_error("address", exc.message)
            else:
                messages.success(request, _("订阅已添加"))
                return redirect("alerts:subscriptions")
        status = 400
    return render(
        request,
        "alerts/subscriptions.html",
        {
            "form": form,
            "subscriptions": [
                {"s": s, "kinds": [AlertKind(k).label for k in s.kinds if k in AlertKind.values]}
                for s in user.alert_subscriptions.order_by("id")
            ],
        },
        status=status,
    )


@login_required
@require_POST
def subscription_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _guard(request)
    user = signed_in(request)
    subscription = get_object_or_404(user.alert_subscriptions, pk=pk)
    subscription_remove(actor=user, subscription=subscription)
    messages.success(request, _("订阅已删除"))
    return redirect("alerts:subscriptions")
