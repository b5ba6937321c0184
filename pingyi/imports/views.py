"""Import pages: upload a file, watch its progress, read its row-level errors, download a template."""

from __future__ import annotations

import csv
import io
from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from pingyi.accounts.roles import Someone, signed_in
from pingyi.accounts.scopes import can_edit, can_view, restrict
from pingyi.imports.kinds import all_kinds, get_kind
from pingyi.imports.models import ImportJob
from pingyi.imports.services import import_job_create, import_job_handout_take, import_job_retry
from pingyi.imports.workbook import template_workbook


def _kinds_for(user: Someone) -> list[tuple[str, str]]:
    return [(key, kind.label) for key, kind in all_kinds().items() if can_edit(user, kind.model)]  # type: ignore[attr-defined]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("导入内容"))
    file = forms.FileField(
        label=_("文件"),
        help_text=_("Excel（.xlsx）或 CSV（UTF-8 或 GB18030 编码）；整批导入，有任何错误则全部不导入。"),
    )


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    if not can_view(request.user, ImportJob):
        raise Http404
    jobs = restrict(ImportJob.objects.select_related("actor"), request.user)
    page = Paginator(jobs, 30).get_page(request.GET.get("page"))
    return render(request, "imports/job_list.html", {"page": page, "kinds": _kinds_for(request.user)})


@login_required
def job_create(request: HttpRequest) -> HttpResponse:
    kinds = _kinds_for(request.user)
    if not kinds:
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind")})
    cast(forms.ChoiceField, form.fields["kind"]).choices = kinds
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = import_job_create(
                actor=signed_in(request),
                kind=form.cleaned_data["kind"],
                stream=upload,
                original_name=upload.name,
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error("file", exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
        else:
            return redirect("imports:job_detail", pk=job.pk)
    return render(
        request, "imports/job_form.html", {"form": form, "kinds": kinds}, status=400 if form.errors else 200
    )


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(restrict(ImportJob.objects.all(), request.user), pk=pk)
    template = "imports/_progress.html" if request.headers.get("HX-Request") else "imports/job_detail.html"
    handout = import_job_handout_take(actor=request.user, job=job) if job.handout else []  # type: ignore[arg-type]
    response = render(request, template, {"job": job, "kind": get_kind(job.kind), "handout": handout})
    if handout:
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Run a failed job again from its stored file (e.g. after its worker stopped), for whoever may import it."""
    job = get_object_or_404(restrict(ImportJob.objects.all(), request.user), pk=pk)
    model = getattr(get_kind(job.kind), "model", None)
    if model is not None and not can_edit(request.user, model):
        raise PermissionDenied
    try:
        import_job_retry(actor=signed_in(request), job=job)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("imports:job_detail", pk=job.pk)


@login_required
def template_xlsx(request: HttpRequest, kind: str) -> HttpResponse:
    """The kind's template as .xlsx: the header row, and the accepted header aliases on the second sheet."""
    try:
        kind_class = get_kind(kind)
    except LookupError:
        raise Http404 from None
    response = HttpResponse(
        template_workbook(kind_class),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="template-{kind}.xlsx"'
    return response


@login_required
def template_download(request: HttpRequest, kind: str) -> HttpResponse:
    try:
        kind_class = get_kind(kind)
    except LookupError:
        raise Http404 from None
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.label for c in kind_class.columns])
    writer.writerow([c.help for c in kind_class.columns])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="template-{kind}.csv"'
    return response
