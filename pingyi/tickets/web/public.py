"""The citizen's side: follow a ticket with the tracking code, rate its handling, ask for help (不满意请找我).

These pages show the state and outcome only — never internal notes, names or evidence.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from pingyi.accounts.roles import CITIZEN
from pingyi.catalog.models import Unit
from pingyi.ratings.models import Rating
from pingyi.tickets.choices import Source, State, Verdict
from pingyi.tickets.models import Ticket
from pingyi.tickets.services import TicketError, handling_rate, ticket_open
from pingyi.tickets.web.forms import HelpForm

PUBLIC_STEPS = {
    "open": "已受理，转交承办单位",
    "visit": "承办单位已回访",
    "verify": "承办单位已核实",
    "review_pass": "纪检监察审核通过，已办结",
    "revoke": "经申诉复核，评价不属实，已撤销",
    "reopen": "重新整改",
    "handling_rate": "您已评价处理结果",
}
PUBLIC_STATE = {
    State.OPEN: "已受理，等待回访",
    State.VISITED: "已回访，正在核实",
    State.RECTIFYING: "正在整改",
    State.REVIEW: "整改完成，等待审核",
    State.APPEAL: "正在复核",
    State.APPEAL_SECOND: "正在复核",
    State.CLOSED: "已办结",
}
OUTCOME: dict[str, str] = {
    Verdict.TRUE: "经核实，您反映的问题属实，已整改。",
    Verdict.PARTLY: "经核实，您反映的问题部分属实，已整改。",
    Verdict.EXPLAINED: "承办单位已就您反映的问题作出解释说明，经审核认可。",
    Verdict.UNTRUE: "经核实并复核，您反映的问题不属实。",
}


@require_http_methods(["GET"])
def track_form(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("code", "").strip().upper()
    if code:
        return redirect("track_detail", code=code)
    return render(request, "tickets/track_form.html", {})


@require_http_methods(["GET", "POST"])
def track_detail(request: HttpRequest, code: str) -> HttpResponse:
    ticket = Ticket.objects.filter(tracking_code=code.strip().upper()).first()
    if ticket is None and Rating.objects.filter(tracking_code=code.strip().upper(), negative=True).exists():
        # Stored, and its ticket opens within a minute (the worker's sweep after the lean intake).
        return render(request, "tickets/track_pending.html", {"code": code.strip().upper()})
    if ticket is None:
        return render(
            request,
            "tickets/track_form.html",
            {"error": "没有找到这个查询码，请核对后再试", "code": code},
            status=404,
        )
    error = ""
    if request.method == "POST":
        try:
            handling_rate(tracking_code=ticket.tracking_code, level=int(request.POST.get("level", "0")))
        except (TicketError, ValueError) as exc:
            error = str(exc) if isinstance(exc, TicketError) else "请选择满意、基本满意或不满意"
        else:
            return redirect("track_detail", code=ticket.tracking_code)
    steps = [
        {"at": e.at, "text": PUBLIC_STEPS[e.action]}
        for e in ticket.events.filter(public=True).order_by("at", "id")
        if e.action in PUBLIC_STEPS
    ]
    outcome = ""
    if ticket.state == State.CLOSED:
        outcome = OUTCOME[Verdict.UNTRUE] if ticket.revoked else OUTCOME.get(ticket.verdict, "已办结。")
    context = {
        "ticket": ticket,
        "state_text": PUBLIC_STATE[State(ticket.state)],
        "steps": steps,
        "outcome": outcome,
        "error": error,
        "can_rate": ticket.state == State.CLOSED and ticket.handling_level is None,
    }
    return render(request, "tickets/track_detail.html", context, status=400 if error else 200)


@require_http_methods(["GET", "POST"])
def help_request(request: HttpRequest) -> HttpResponse:
    units = Unit.objects.filter(windows__isnull=False).distinct().order_by("name")
    form = HelpForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data.get("website"):
            return render(request, "tickets/help_done.html", {"code": ""})  # a bot: thanked, nothing stored
        try:
            ticket = ticket_open(
                actor=CITIZEN,
                unit=data["unit"],
                source=Source.HELP,
                summary=data["summary"],
                phone=data["phone"],
            )
        except TicketError as exc:
            form.add_error("phone" if "电话" in str(exc) else None, str(exc))
        else:
            return render(request, "tickets/help_done.html", {"code": ticket.tracking_code})
    return render(request, "tickets/help_form.html", {"form": form}, status=400 if form.errors else 200)
