"""Back-office ticket pages: the list, one ticket with its timeline and the steps the viewer may take, new complaints,
and the 督办函 of an overdue ticket (Word and PDF)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from pingyi.accounts.roles import Someone, is_inspector, is_operator, is_superuser, signed_in
from pingyi.accounts.scopes import can_view, restrict
from pingyi.catalog.models import Unit
from pingyi.documents.web.download import document_response
from pingyi.lib.uploads import Upload, content_type
from pingyi.tickets import supervision
from pingyi.tickets.choices import Source, State
from pingyi.tickets.models import Ticket, TicketFile, overdue_q
from pingyi.tickets.services import (
    TicketError,
    may_act,
    ticket_act,
    ticket_call_relay,
    ticket_open,
    ticket_phone_reveal,
)
from pingyi.tickets.web.forms import ComplaintForm, action_form
from pingyi.tickets.workflow import actions_from


def _scoped(request: HttpRequest) -> Any:
    if not can_view(request.user, Ticket):
        raise Http404
    return restrict(Ticket.objects.select_related("unit", "window"), request.user)


@login_required
def ticket_list(request: HttpRequest) -> HttpResponse:
    tickets = _scoped(request)
    state = request.GET.get("state", "")
    if state in State.values:
        tickets = tickets.filter(state=state)
    elif state == "active":
        tickets = tickets.exclude(state=State.CLOSED)
    source = request.GET.get("source", "")
    if source in Source.values:
        tickets = tickets.filter(source=source)
    now = timezone.now()
    if request.GET.get("overdue") == "1":
        tickets = tickets.filter(overdue_q(now))
    if request.GET.get("escalated") == "1":
        tickets = tickets.filter(escalation__gt=0)
    page = Paginator(tickets.order_by("-opened_at"), 50).get_page(request.GET.get("page"))
    for ticket in page.object_list:
        ticket.overdue_kind = ticket.overdue(now)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "page": page,
        "querystring": params.urlencode(),
        "states": State.choices,
        "sources": Source.choices,
        "filters": {k: request.GET.get(k, "") for k in ("state", "source", "overdue", "escalated")},
        "can_open": _open_sources(request.user),
    }
    return render(request, "tickets/ticket_list.html", context)


def _ticket(request: HttpRequest, pk: int) -> Ticket:
    ticket = _scoped(request).select_related("rating", "staff", "record").filter(pk=pk).first()
    if ticket is None:
        raise Http404
    return ticket


@login_required
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _ticket(request, pk)
    forms = {}
    posted = request.POST.get("action") if request.method == "POST" else None
    for action in actions_from(ticket.state):
        if may_act(request.user, ticket, action.side):
            bound = posted == action.name
            form = action_form(action.name, request.POST if bound else None, request.FILES if bound else None)
            forms[action.name] = (action, form)
    if posted:
        if posted not in forms:
            messages.error(request, gettext("当前不能执行该操作"))
            return redirect("tickets:ticket_detail", pk=pk)
        form = forms[posted][1]
        if form.is_valid():
            data = dict(form.cleaned_data)
            uploads = [Upload(f.name, f.read()) for f in data.pop("files", None) or []]
            try:
                ticket_act(actor=signed_in(request), ticket_id=pk, action=posted, files=uploads, **data)
            except TicketError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, gettext("已%(action)s") % {"action": forms[posted][0].title})
                return redirect("tickets:ticket_detail", pk=pk)
    user = request.user
    context = {
        "ticket": ticket,
        "events": ticket.events.prefetch_related(Prefetch("files", TicketFile.objects.defer("content"))),
        "forms": forms.values(),
        "overdue": ticket.overdue(),
        "is_unit": may_act(user, ticket, "unit"),
        "is_inspector": may_act(user, ticket, "inspector"),
        "staff_name": ticket.staff.name if ticket.staff else "",
        # The channel names (lib/scales.CHANNEL_LABELS) are Chinese msgids of the catalogue.
        "channel_label": gettext(ticket.rating.get_channel_display()) if ticket.rating else "",
    }
    return render(request, "tickets/ticket_detail.html", context, status=400 if posted else 200)


@login_required
def ticket_file(request: HttpRequest, pk: int, file_id: int) -> HttpResponse:
    """A step's file, for whoever may see the ticket (the unit and the inspectors; never the citizen's page)."""
    ticket = _ticket(request, pk)
    row = TicketFile.objects.filter(ticket=ticket, pk=file_id).first()
    if row is None:
        raise Http404
    response = HttpResponse(bytes(row.content), content_type=content_type(row.name))
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=row.name)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def ticket_call(request: HttpRequest, pk: int) -> HttpResponse:
    _ticket(request, pk)
    try:
        binding = ticket_call_relay(actor=signed_in(request), ticket_id=pk)
    except TicketError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            gettext("请在 %(until)s 前拨打隐私号 %(number)s 回访（号码不显示群众真实电话）")
            % {"until": f"{timezone.localtime(binding.expires_at):%H:%M}", "number": binding.virtual_number},
        )
    return redirect("tickets:ticket_detail", pk=pk)


@login_required
@require_POST
def ticket_phone(request: HttpRequest, pk: int) -> HttpResponse:
    _ticket(request, pk)
    try:
        phone = ticket_phone_reveal(actor=signed_in(request), ticket_id=pk)
    except TicketError as exc:
        messages.error(request, str(exc))
    else:
        messages.info(request, gettext("群众电话：%(phone)s（本次查看已记录）") % {"phone": phone})
    return redirect("tickets:ticket_detail", pk=pk)


def _open_sources(user: Someone) -> list[tuple[str, Any]]:
    if is_superuser(user):
        return [(s.value, s.label) for s in (Source.HOTLINE, Source.BOARD, Source.INSPECTOR)]
    if is_operator(user):
        return [(Source.HOTLINE.value, Source.HOTLINE.label), (Source.BOARD.value, Source.BOARD.label)]
    if is_inspector(user):
        return [(Source.INSPECTOR.value, Source.INSPECTOR.label)]
    return []


@login_required
def ticket_create(request: HttpRequest) -> HttpResponse:
    sources = _open_sources(request.user)
    if not sources:
        raise Http404
    units = restrict(Unit.objects.all(), request.user).order_by("name")
    form = ComplaintForm(request.POST or None, units=units, sources=sources)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = ticket_open(
                actor=signed_in(request),
                unit=data["unit"],
                source=data["source"],
                summary=data["summary"],
                phone=data["phone"],
            )
        except TicketError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, gettext("已立单，查询码 %(code)s") % {"code": ticket.tracking_code})
            if (
                can_view(request.user, Ticket)
                and restrict(Ticket.objects.filter(pk=ticket.pk), request.user).exists()
            ):
                return redirect("tickets:ticket_detail", pk=ticket.pk)
            return redirect("tickets:ticket_create")
    return render(request, "tickets/ticket_form.html", {"form": form})


@login_required
def supervision_document(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    ticket = (
        restrict(Ticket.objects.select_related("unit__district", "window"), request.user)
        .filter(pk=pk)
        .first()
    )
    if ticket is None or fmt not in ("docx", "pdf") or not (ticket.escalation or ticket.overdue()):
        raise Http404
    letter = supervision.supervision_docx if fmt == "docx" else supervision.supervision_pdf
    return document_response(letter(ticket), f"supervision-{ticket.tracking_code}.{fmt}", fmt)
