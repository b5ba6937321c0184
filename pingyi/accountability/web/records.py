"""Pages for 问责处理, 纪检监察建议书 (with Word and PDF) and 制度机制, under /tickets/ where they always were."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pingyi.accountability import letter
from pingyi.accountability.models import AccountabilityRecord, Mechanism, Suggestion
from pingyi.accountability.services import (
    AccountabilityError,
    accountability_record,
    mechanism_record,
    suggestion_issue,
)
from pingyi.accountability.web.forms import AccountabilityForm, MechanismForm, SuggestionForm
from pingyi.accounts.roles import signed_in
from pingyi.accounts.scopes import can_edit, can_view, restrict
from pingyi.documents.web.download import document_response

PAGES: dict[str, dict[str, Any]] = {
    "accountability": {
        "model": AccountabilityRecord,
        "title": _("问责处理"),
        "form": AccountabilityForm,
        "service": accountability_record,
        "related": ("unit", "sanction", "staff"),
    },
    "suggestions": {
        "model": Suggestion,
        "title": _("纪检监察建议书"),
        "form": SuggestionForm,
        "service": suggestion_issue,
        "related": ("unit",),
    },
    "mechanisms": {
        "model": Mechanism,
        "title": _("制度机制"),
        "form": MechanismForm,
        "service": mechanism_record,
        "related": ("unit", "suggestion"),
    },
}


def _page(kind: str, request: HttpRequest) -> dict[str, Any]:
    page = PAGES.get(kind)
    if page is None or not can_view(request.user, page["model"]):
        raise Http404
    return page


@login_required
def record_list(request: HttpRequest, kind: str) -> HttpResponse:
    page = _page(kind, request)
    rows = restrict(page["model"].objects.select_related(*page["related"]), request.user)
    context = {
        "kind": kind,
        "title": page["title"],
        "page": Paginator(rows, 50).get_page(request.GET.get("page")),
        "can_create": can_edit(request.user, page["model"]),
        "querystring": "",
    }
    return render(request, f"accountability/{kind}_list.html", context)


@login_required
def record_create(request: HttpRequest, kind: str) -> HttpResponse:
    page = _page(kind, request)
    if not can_edit(request.user, page["model"]):
        raise Http404
    form = page["form"](request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            page["service"](actor=signed_in(request), **form.cleaned_data)
        except AccountabilityError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, gettext("已登记%(record)s") % {"record": page["title"]})
            return redirect("accountability:record_list", kind=kind)
    status = 400 if form.errors else 200
    return render(
        request,
        "accountability/record_form.html",
        {"form": form, "title": page["title"], "kind": kind},
        status=status,
    )


@login_required
def suggestion_document(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    suggestion = (
        restrict(Suggestion.objects.select_related("unit__district"), request.user).filter(pk=pk).first()
    )
    if suggestion is None or fmt not in ("docx", "pdf"):
        raise Http404
    make = letter.suggestion_docx if fmt == "docx" else letter.suggestion_pdf
    return document_response(make(suggestion), f"suggestion-{pk}.{fmt}", fmt)
