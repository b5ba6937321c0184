"""The inspectors' bulletin pages: list, draft, edit, and each step (review, publish, withdraw) as a POST."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from pingyi.accounts.roles import signed_in
from pingyi.accounts.scopes import can_edit, can_view, restrict
from pingyi.disclosure.forms import BulletinForm, WithdrawForm
from pingyi.disclosure.models import Bulletin, State
from pingyi.disclosure.selectors import public_view
from pingyi.disclosure.services import (
    BulletinError,
    bulletin_draft,
    bulletin_publish,
    bulletin_review,
    bulletin_update,
    bulletin_withdraw,
)


def _scoped(request: HttpRequest) -> Any:
    if not can_view(request.user, Bulletin):
        raise Http404
    return restrict(
        Bulletin.objects.select_related("drafted_by", "reviewed_by", "published_by"), request.user
    )


def _bulletin(request: HttpRequest, pk: int) -> Bulletin:
    bulletin = _scoped(request).filter(pk=pk).first()
    if bulletin is None:
        raise Http404
    return bulletin


@login_required
def bulletin_list(request: HttpRequest) -> HttpResponse:
    rows = _scoped(request)
    state = request.GET.get("state", "")
    if state in State.values:
        rows = rows.filter(state=state)
    context = {
        "page": Paginator(rows.order_by("-drafted_at", "-id"), 50).get_page(request.GET.get("page")),
        "states": State.choices,
        "state": state,
        "querystring": f"state={state}" if state else "",
        "can_create": can_edit(request.user, Bulletin),
    }
    return render(request, "disclosure/manage_list.html", context)


def _links(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": data["kind"],
        "title": data["title"],
        "body": data["body"],
        "show_names": data["show_names"],
        "inspections": list(data["inspections"]),
        "accountability": list(data["accountability"]),
        "tickets": list(data["tickets"]),
    }


@login_required
def bulletin_create(request: HttpRequest) -> HttpResponse:
    if not can_edit(request.user, Bulletin):
        raise Http404
    form = BulletinForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        district = form.cleaned_data.get("district") or getattr(request.user, "district", None)
        try:
            bulletin = bulletin_draft(
                actor=signed_in(request), district=district, **_links(form.cleaned_data)
            )
        except BulletinError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, gettext("已保存通报草稿，请另一名纪检监察人员审核"))
            return redirect("disclosure:manage_detail", pk=bulletin.pk)
    status = 400 if form.errors else 200
    return render(request, "disclosure/manage_form.html", {"form": form, "bulletin": None}, status=status)


@login_required
def bulletin_edit(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = _bulletin(request, pk)
    form = BulletinForm(request.POST or None, user=request.user, bulletin=bulletin)
    if request.method == "POST" and form.is_valid():
        try:
            bulletin_update(actor=signed_in(request), bulletin_id=pk, **_links(form.cleaned_data))
        except BulletinError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, gettext("已保存修改"))
            return redirect("disclosure:manage_detail", pk=pk)
    status = 400 if form.errors else 200
    return render(request, "disclosure/manage_form.html", {"form": form, "bulletin": bulletin}, status=status)


@login_required
def bulletin_detail(request: HttpRequest, pk: int, withdraw_form: WithdrawForm | None = None) -> HttpResponse:
    bulletin = _bulletin(request, pk)
    user = request.user
    context = {
        "bulletin": bulletin,
        "preview": public_view(bulletin),
        "can_edit": bulletin.state == State.DRAFTED and bulletin.drafted_by_id == user.pk,
        "can_review": bulletin.state == State.DRAFTED and bulletin.drafted_by_id != user.pk,
        "can_publish": bulletin.state == State.REVIEWED,
        "can_withdraw": bulletin.state != State.WITHDRAWN,
        "withdraw_form": withdraw_form or WithdrawForm(),
    }
    return render(request, "disclosure/manage_detail.html", context, status=400 if withdraw_form else 200)


STEPS = {"review": (_("审核通过"), bulletin_review), "publish": (_("发布"), bulletin_publish)}


@login_required
@require_POST
def bulletin_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    _bulletin(request, pk)
    try:
        if step == "withdraw":
            form = WithdrawForm(request.POST)
            if not form.is_valid():
                return bulletin_detail(request, pk, withdraw_form=form)
            bulletin_withdraw(actor=signed_in(request), bulletin_id=pk, reason=form.cleaned_data["reason"])
            label = gettext("撤回")
        elif step in STEPS:
            done, service = STEPS[step]
            label = str(done)
            service(actor=signed_in(request), bulletin_id=pk)
        else:
            raise Http404
    except BulletinError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, gettext("已%(action)s") % {"action": label})
    return redirect("disclosure:manage_detail", pk=pk)
