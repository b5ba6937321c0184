"""Ledger pages: the scoped list with filters, a record's detail with its receipt rating code, the manual form."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from pingyi.accounts.roles import Someone, is_window_staff, signed_in
from pingyi.accounts.scopes import can_edit, can_view
from pingyi.ledger.forms import FilterForm, RecordForm
from pingyi.ledger.models import ServiceRecord
from pingyi.ledger.selectors import is_late, records_for
from pingyi.ledger.services import record_create
from pingyi.lib import crypto


def _shows_applicants(user: Someone) -> bool:
    # The rated staff never see who they served beyond the case itself (masked or not).
    return not is_window_staff(user)


@login_required
def record_list(request: HttpRequest) -> HttpResponse:
    if not can_view(request.user, ServiceRecord):
        raise Http404
    form = FilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(records_for(request.user, filters), 50).get_page(request.GET.get("page"))
    for record in page:
        record.late = is_late(record)  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "form": form,
        "querystring": query.urlencode(),
        "can_enter": can_edit(request.user, ServiceRecord),
        "applicants": _shows_applicants(request.user),
    }
    return render(request, "ledger/record_list.html", context)


def _mask_name(name: str) -> str:
    if len(name) <= 1:
        return name
    return name[0] + "*" * (len(name) - 2) + name[-1] if len(name) > 2 else name[0] + "*"


@login_required
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(records_for(request.user), pk=pk)
    applicants = _shows_applicants(request.user)
    context = {
        "record": record,
        "late": is_late(record),
        "applicants": applicants,
        "applicant": _mask_name(crypto.decrypt(record.applicant_ciphertext)) if applicants else "",
        "rating_url": settings.SITE_URL + reverse("rate:rate", args=[record.rating_code]),
        "just_created": request.GET.get("created") == "1",
    }
    return render(request, "ledger/record_detail.html", context)


@login_required
def record_new(request: HttpRequest) -> HttpResponse:
    if not can_edit(request.user, ServiceRecord):
        raise PermissionDenied
    form = RecordForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = record_create(actor=signed_in(request), **data)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, messages)
        else:
            return redirect(reverse("ledger:record_detail", args=[record.pk]) + "?created=1")
    status = 400 if form.errors else 200
    return render(request, "ledger/record_form.html", {"form": form}, status=status)


@login_required
def record_import(request: HttpRequest) -> HttpResponse:
    if not can_edit(request.user, ServiceRecord):
        raise PermissionDenied
    return redirect(reverse("imports:job_create") + "?kind=ledger")
