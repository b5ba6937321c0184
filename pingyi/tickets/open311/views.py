"""Open311 GeoReport v2 at /open311/v2/: help requests and tickets for existing civic tools.

- ``discovery``, ``services`` and ``services/<code>`` describe the three kinds of request we take.
- ``requests`` GET lists requests, ``requests/<id>`` shows one: without an api_key only what the citizen's tracking page
  shows (state, unit, dates, public outcome — no description, phone or names); with the api_key of an account, the
  requests in that account's scope with their description. ``service_request_id`` is ``T<number>``, never the
  citizen's tracking code (which lets its holder rate the handling).
- ``requests`` POST (api_key required, operators, inspectors and superusers) opens a ticket; the unit is the
  ``attribute[unit_code]`` (统一社会信用代码), ``description`` the complaint, ``phone`` the citizen's callback number.
  ``expected_datetime`` is the rectification deadline.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt

from pingyi.accounts.models import User
from pingyi.accounts.scopes import restrict
from pingyi.accounts.services import api_token_user
from pingyi.catalog.models import Unit
from pingyi.tickets.choices import Source, State
from pingyi.tickets.models import Ticket
from pingyi.tickets.open311.format import errors, respond
from pingyi.tickets.services import TicketError, opener_sources, ticket_open
from pingyi.tickets.web.public import OUTCOME, PUBLIC_STATE

SERVICES = {
    "help": (Source.HELP, "不满意请找我", "群众对办事过程不满意，请求帮助"),
    "hotline": (Source.HOTLINE, "12345热线投诉", "热线受理的政务服务投诉"),
    "board": (Source.BOARD, "留言板投诉", "领导留言板等网上渠道的投诉"),
}
CODE_OF_SOURCE: dict[str, str] = {source: code for code, (source, _, _) in SERVICES.items()}
CODE_OF_SOURCE[Source.RATING] = "rating"
CODE_OF_SOURCE[Source.INSPECTOR] = "inspector"
SERVICE_NAMES: dict[str, str] = {
    Source.RATING: "差评整改",
    Source.INSPECTOR: "纪检交办",
    **{s: n for s, n, _ in SERVICES.values()},
}


def _fmt(fmt: str) -> str:
    return "xml" if fmt == "xml" else "json"


def _iso(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri("/open311/v2/")
    data = {
        "changeset": "2026-11-25T00:00:00+08:00",
        "contact": "纪检监察机关 · 12345",
        "key_service": request.build_absolute_uri("/account/"),
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": base,
                "changeset": "2026-11-25T00:00:00+08:00",
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }
    return respond(_fmt(fmt), "discovery", "discovery", data)


def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    items = [
        {
            "service_code": code,
            "service_name": name,
            "description": description,
            "metadata": True,
            "type": "realtime",
            "keywords": "政务服务,差评,投诉",
            "group": "政务服务评价",
        }
        for code, (_, name, description) in SERVICES.items()
    ]
    return respond(_fmt(fmt), "services", "service", items)


def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    if code not in SERVICES:
        return errors(_fmt(fmt), 404, "没有这个服务类型")
    data = {
        "service_code": code,
        "attributes": [
            {
                "variable": True,
                "code": "unit_code",
                "datatype": "string",
                "required": True,
                "datatype_description": "承办单位的统一社会信用代码（18 位）",
                "order": 1,
                "description": "承办单位",
            }
        ],
    }
    return respond(_fmt(fmt), "service_definition", "service_definition", data)


def _user(request: HttpRequest) -> User | None:
    key = request.POST.get("api_key") or request.GET.get("api_key") or ""
    return api_token_user(key) if key else None


def _item(ticket: Ticket, detailed: bool) -> dict[str, Any]:
    notes = PUBLIC_STATE[State(ticket.state)]
    if ticket.state == State.CLOSED:
        notes = OUTCOME["untrue"] if ticket.revoked else OUTCOME.get(ticket.verdict, "已办结")
    updated = ticket.closed_at or ticket.visited_at or ticket.opened_at
    return {
        "service_request_id": f"T{ticket.pk}",
        "status": "closed" if ticket.state == State.CLOSED else "open",
        "status_notes": notes,
        "service_name": SERVICE_NAMES.get(ticket.source, ticket.source),
        "service_code": CODE_OF_SOURCE.get(ticket.source, ticket.source),
        "description": ticket.summary if detailed else None,
        "agency_responsible": ticket.unit.name,
        "service_notice": None,
        "requested_datetime": _iso(ticket.opened_at),
        "updated_datetime": _iso(updated),
        "expected_datetime": _iso(ticket.rectify_due),
        "address": ticket.window.name if ticket.window else None,
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


def _visible(request: HttpRequest) -> tuple[Any, bool]:
    user = _user(request)
    if user is not None:
        return restrict(Ticket.objects.all(), user), True
    return Ticket.objects.all(), False


@csrf_exempt
def requests_view(request: HttpRequest, fmt: str) -> HttpResponse:
    fmt = _fmt(fmt)
    if request.method == "POST":
        return _create(request, fmt)
    if request.method != "GET":
        return errors(fmt, 405, "只支持 GET 和 POST")
    tickets, detailed = _visible(request)
    params = request.GET
    if params.get("service_request_id"):
        ids = [i.strip().lstrip("T") for i in params["service_request_id"].split(",")]
        tickets = tickets.filter(pk__in=[int(i) for i in ids if i.isdigit()])
    if params.get("service_code"):
        sources = [s for s, c in CODE_OF_SOURCE.items() if c in params["service_code"].split(",")]
        tickets = tickets.filter(source__in=sources)
    status = params.get("status", "")
    if status == "open":
        tickets = tickets.exclude(state=State.CLOSED)
    elif status == "closed":
        tickets = tickets.filter(state=State.CLOSED)
    elif status:
        return errors(fmt, 400, "status 只能是 open 或 closed")
    for name, lookup in (("start_date", "opened_at__gte"), ("end_date", "opened_at__lte")):
        if params.get(name):
            moment = parse_datetime(params[name])
            if moment is None:
                return errors(fmt, 400, f"{name} 应为 ISO 8601 时间，例如 2026-11-01T00:00:00+08:00")
            tickets = tickets.filter(**{lookup: moment})
    tickets = tickets.select_related("unit", "window").order_by("-opened_at")[:1000]
    return respond(fmt, "service_requests", "request", [_item(t, detailed) for t in tickets])


def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    fmt = _fmt(fmt)
    tickets, detailed = _visible(request)
    number = request_id.lstrip("T")
    ticket = (
        tickets.select_related("unit", "window").filter(pk=int(number)).first() if number.isdigit() else None
    )
    if ticket is None:
        return errors(fmt, 404, "没有这个请求")
    return respond(fmt, "service_requests", "request", [_item(ticket, detailed)])


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    user = _user(request)
    if user is None:
        return errors(fmt, 403, "提交请求需要有效的 api_key")
    if not opener_sources(user):
        return errors(fmt, 403, "该账户不能提交请求")
    code = request.POST.get("service_code", "")
    if code not in SERVICES:
        return errors(fmt, 400, "service_code 应为 help、hotline 或 board")
    unit_code = request.POST.get("attribute[unit_code]", "").strip().upper()
    unit = restrict(Unit.objects.all(), user).filter(credit_code=unit_code).first() if unit_code else None
    if unit is None:
        return errors(fmt, 400, "attribute[unit_code] 应为本辖区承办单位的统一社会信用代码")
    try:
        ticket = ticket_open(
            actor=user,
            unit=unit,
            source=SERVICES[code][0],
            summary=request.POST.get("description", ""),
            phone=request.POST.get("phone", ""),
        )
    except TicketError as exc:
        return errors(fmt, 400, str(exc))
    item = {
        "service_request_id": f"T{ticket.pk}",
        "service_notice": f"查询码 {ticket.tracking_code}",
        "account_id": None,
    }
    return respond(fmt, "service_requests", "request", [item], status=201)
