"""The audit log viewer (inspectors): filter by action, actor, object and time; check the chain."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from pingyi.accounts.scopes import can_view, restrict
from pingyi.audit.models import AuditEntry
from pingyi.audit.selectors import chain_verify


def _scoped(request: HttpRequest):  # type: ignore[no-untyped-def]
    if not can_view(request.user, AuditEntry):
        raise Http404
    return restrict(AuditEntry.objects.all(), request.user)


def _day(value: str, end: bool) -> datetime | None:
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        return None
    return timezone.make_aware(datetime.combine(day, time.max if end else time.min))


@login_required
def entry_list(request: HttpRequest) -> HttpResponse:
    entries = _scoped(request)
    filters = {
        key: request.GET.get(key, "").strip()
        for key in ("action", "actor", "object_type", "object_id", "from", "to")
    }
    if filters["action"]:
        entries = entries.filter(action__startswith=filters["action"])
    if filters["actor"]:
        entries = entries.filter(actor_label__icontains=filters["actor"])
    if filters["object_type"]:
        entries = entries.filter(object_type=filters["object_type"])
    if filters["object_id"]:
        entries = entries.filter(object_id=filters["object_id"])
    if filters["from"] and (start := _day(filters["from"], end=False)):
        entries = entries.filter(at__gte=start)
    if filters["to"] and (stop := _day(filters["to"], end=True)):
        entries = entries.filter(at__lte=stop)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    scoped = _scoped(request)
    actions = scoped.order_by().values_list("action", flat=True).distinct().order_by("action")
    object_types = scoped.order_by().values_list("object_type", flat=True).distinct().order_by("object_type")
    context = {
        "page": page,
        "filters": filters,
        "querystring": params.urlencode(),
        "actions": actions,
        "object_types": object_types,
    }
    if request.GET.get("verify"):
        context["verify"] = chain_verify()
    return render(request, "audit/entry_list.html", context)


@login_required
def entry_detail(request: HttpRequest, seq: int) -> HttpResponse:
    entry = get_object_or_404(_scoped(request), seq=seq)
    return render(request, "audit/entry_detail.html", {"entry": entry})
