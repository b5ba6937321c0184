"""The 文书模板 pages (/inspections/templates/, the path they always had): a kind's versions and placeholders, the
upload of a new version, switching versions, downloads. Only those who may manage the district's templates (its
inspectors, superusers) reach them; everyone else gets 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pingyi.accounts.roles import signed_in
from pingyi.accounts.scopes import restrict
from pingyi.catalog.models import District
from pingyi.documents import kinds
from pingyi.documents.models import DocumentTemplate
from pingyi.documents.services import (
    TemplateRefused,
    document_template_activate,
    document_template_upload,
    may_manage,
)
from pingyi.documents.web.download import document_response
from pingyi.documents.web.forms import TemplateUploadForm


def _district(request: HttpRequest) -> District:
    """The district whose templates the user manages: their own; a superuser works on the first district (one
    deployment has one). 404 for anyone who may not manage it."""
    district_id = getattr(request.user, "district_id", None)
    district_id = district_id or District.objects.order_by("id").values_list("id", flat=True).first()
    if district_id is None or not may_manage(request.user, district_id):
        raise Http404
    return District.objects.get(pk=district_id)


def _kind(request: HttpRequest) -> kinds.DocKind:
    """The kind asked for (``?kind=``), else the first registered."""
    asked = request.POST.get("kind") or request.GET.get("kind")
    spec = kinds.get(asked) if asked else next(iter(kinds.registered()), None)
    if spec is None:
        raise Http404
    return spec


def _to_list(spec: kinds.DocKind) -> HttpResponse:
    return redirect(f"{reverse('documents:template_list')}?kind={spec.kind}")


@login_required
@require_http_methods(["GET", "POST"])
def template_list(request: HttpRequest) -> HttpResponse:
    district = _district(request)
    spec = _kind(request)
    form = TemplateUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            made = document_template_upload(
                actor=signed_in(request),
                district=district,
                content=upload.read(),
                original_name=upload.name,
                kind=spec.kind,
            )
        except TemplateRefused as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(
                request,
                gettext("模板已通过示例数据校验，第 %(version)s 版已启用") % {"version": made.version},
            )
            return _to_list(spec)
    rows = restrict(DocumentTemplate.objects.filter(kind=spec.kind, district=district), request.user)
    context = {
        "form": form,
        "spec": spec,
        "spec_label": gettext(spec.label),
        "kinds": [{"kind": k.kind, "label": gettext(k.label)} for k in kinds.registered()],
        "rows": rows.select_related("uploaded_by").defer("content"),
        "default_active": not rows.filter(active=True).exists(),
        "placeholders": spec.placeholders,
    }
    return render(
        request, "documents/template_list.html", context, status=400 if request.method == "POST" else 200
    )


@login_required
@require_POST
def template_activate(request: HttpRequest) -> HttpResponse:
    district = _district(request)
    spec = _kind(request)
    try:
        version = int(request.POST.get("version", ""))
        document_template_activate(
            actor=signed_in(request), district=district, version=version, kind=spec.kind
        )
    except ValueError:
        messages.error(request, gettext("版本号无效"))
    except TemplateRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, gettext("已切换模板版本") if version else gettext("已恢复使用系统默认模板"))
    return _to_list(spec)


@login_required
@require_GET
def template_download(request: HttpRequest, version: int) -> HttpResponse:
    district = _district(request)
    spec = _kind(request)
    if version == 0:
        content, name = spec.default.read_bytes(), f"{spec.label}-默认模板.docx"
    else:
        rows = restrict(DocumentTemplate.objects.filter(kind=spec.kind, district=district), request.user)
        row = get_object_or_404(rows, version=version)
        content, name = bytes(row.content), row.original_name
    return document_response(content, name, "docx")
