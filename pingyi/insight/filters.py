"""Reading a dashboard request: the place (the user's scope, narrowed by drill-down) and the period filters."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from django.http import Http404, HttpRequest, QueryDict
from django.utils import timezone

from pingyi.accounts.roles import Someone
from pingyi.accounts.scopes import restrict
from pingyi.catalog.models import Hall, ServiceItem, Staff, Unit, Window
from pingyi.insight.metrics import Period, Scope
from pingyi.lib.scales import CHANNEL_LABELS

DRILL = {"district": "unit", "hall": "unit", "unit": "window", "window": "staff", "staff": "item"}
MODELS = {"hall": Hall, "unit": Unit, "window": Window, "staff": Staff}


@dataclass
class Request:
    scope: Scope
    period: Period
    errors: list[str] = field(default_factory=list)
    crumbs: list[tuple[str, str]] = field(default_factory=list)  # (label, query string)
    params: dict[str, str] = field(default_factory=dict)  # the place parameters in force

    @property
    def next_level(self) -> str:
        return DRILL[self.scope.level()]


def _int(value: str | None) -> int | None:
    """A positive id written in ASCII digits, else None (int() would also take ² or full-width digits)."""
    if value and value.isascii() and value.isdigit() and len(value) < 19:
        return int(value)
    return None


FIRST_YEAR, LAST_YEAR = (
    2000,
    2100,
)  # beyond these a date is a typing mistake (and date arithmetic would overflow)


def _date(value: str | None, errors: list[str], label: str) -> date | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        errors.append(f"{label}格式应为 YYYY-MM-DD：{value}")
        return None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        errors.append(f"{label}应在 {FIRST_YEAR} 年至 {LAST_YEAR} 年之间：{value}")
        return None
    return day


def read_period(query: QueryDict, user: Someone, errors: list[str]) -> Period:
    today = timezone.localdate()
    # The last 30 days by default: "this month so far" shows nearly nothing on the first days of a month.
    start = _date(query.get("from"), errors, "开始日期") or today - timedelta(days=29)
    end = _date(query.get("to"), errors, "结束日期") or today
    if end < start:
        errors.append("结束日期早于开始日期，已按开始日期起一个月显示")
        end = start + timedelta(days=30)
    channels = tuple(c for c in query.getlist("channel") if c in {ch.value for ch in CHANNEL_LABELS})
    item_id = _int(query.get("item"))
    if item_id is not None and not restrict(ServiceItem.objects.filter(pk=item_id), user).exists():
        errors.append("所选事项不在您的权限范围内，已忽略")
        item_id = None
    return Period(start, end, channels, item_id)


def read_request(request: HttpRequest) -> Request:
    """The user's own scope narrowed by ?hall= ?unit= ?window= ?staff=; a place outside the scope is a 404."""
    base = Scope.for_user(request.user, _int(request.GET.get("district")))
    if base is None:
        raise Http404
    errors: list[str] = []
    scope, crumbs, params = base, [("全部" if base.level() == "district" else "本级", "")], {}
    for dim, model in MODELS.items():
        wanted = _int(request.GET.get(dim))
        if wanted is None or getattr(base, f"{dim}_id") == wanted:
            continue
        if getattr(base, f"{dim}_id") is not None and not (dim == "hall" and wanted in base.hall_ids):
            raise Http404  # a hall manager may narrow to a sub-centre of the hall, nothing else
        obj = restrict(model._default_manager.filter(pk=wanted), request.user).first()
        if obj is None:
            raise Http404
        scope = replace(scope, **{f"{dim}_id": wanted})
        params[dim] = str(wanted)
        crumbs.append((str(obj), "&".join(f"{k}={v}" for k, v in params.items())))
    return Request(scope, read_period(request.GET, request.user, errors), errors, crumbs, params)
