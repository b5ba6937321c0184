"""Pages of one inspection: the list (overdue rectifications stand out), the detail with findings and timeline,
each step as a POST that calls one service, and the feedback form as Word or PDF.

A refused step re-renders the detail page with the message and the input kept (status 400).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as djforms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from pingyi.accounts.roles import is_inspector, signed_in
from pingyi.accounts.scopes import can_view
from pingyi.documents.web.download import document_response
from pingyi.inspections.attachments import Upload, content_type
from pingyi.inspections.choices import Status
from pingyi.inspections.errors import Refused
from pingyi.inspections.feedback import feedback_context, feedback_files
from pingyi.inspections.models import Attachment, Finding, Inspection, overdue_q
from pingyi.inspections.selectors import (
    ACTION_LABELS,
    inspection_get,
    inspection_timeline,
    inspections_for,
    is_unit_of,
)
from pingyi.inspections.services import findings, lifecycle, rectification
from pingyi.inspections.web import forms


@login_required
@require_GET
def inspection_list(request: HttpRequest) -> HttpResponse:
    if not can_view(request.user, Inspection):
        raise Http404
    rows = inspections_for(request.user).order_by("-created_at", "-id")
    status = request.GET.get("status", "")
    if status == "overdue":
        rows = rows.filter(overdue_q())
    elif status in Status.values:
        rows = rows.filter(status=status)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "page": page,
        "statuses": Status.choices,
        "status": status,
        "overdue_count": inspections_for(request.user).filter(overdue_q()).count(),
        "querystring": params.urlencode(),
        "inspector": is_inspector(request.user),
    }
    return render(request, "inspections/inspection_list.html", context)


def _uploads(file: Any) -> list[Upload]:
    return [Upload(name=file.name, content=file.read())] if file else []


def _forms_for(inspection: Inspection, data: dict[str, djforms.Form]) -> dict[str, djforms.Form]:
    """The forms the detail page may show, with any bound (rejected) form put in place of its blank one."""
    blank: dict[str, djforms.Form] = {
        "start_form": forms.StartForm(inspection=inspection),
        "finding_form": forms.FindingForm(inspection=inspection),
        "conclude_form": forms.ConcludeForm(initial={"summary": inspection.summary}),
        "feedback_form": forms.FeedbackSendForm(),
        "plan_form": forms.PlanTextForm(),
        "proof_form": forms.ProofForm(),
        "verify_form": forms.VerifyForm(),
        "close_form": forms.CloseForm(),
    }
    return {**blank, **data}


def _detail(
    request: HttpRequest,
    inspection: Inspection,
    bound: dict[str, djforms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    inspector = is_inspector(user, inspection.district_id)
    files = Attachment.objects.defer("content").order_by("id")
    shown = inspection.findings.select_related("type", "anomaly").prefetch_related(
        "staff", Prefetch("files", queryset=files)
    )
    if not inspector:
        shown = shown.filter(confirmed=True)
    timeline = [
        (entry, ACTION_LABELS.get(entry.action, entry.action)) for entry in inspection_timeline(inspection)
    ]
    context: dict[str, Any] = {
        "inspection": inspection,
        "findings": shown,
        "proof_files": files.filter(inspection=inspection, purpose=Attachment.Purpose.PROOF),
        "rectification": getattr(inspection, "rectification", None),
        "feedback": getattr(inspection, "feedback_form", None),
        "timeline": timeline,
        "inspector": inspector,
        "unit_admin": is_unit_of(user, inspection),
        "inspectors": ", ".join(u.first_name or u.username for u in inspection.inspectors.all()),
        "S": {s.name: s.value for s in Status},
        "refused": [e for form in (bound or {}).values() for e in form.non_field_errors()],
        **_forms_for(inspection, bound or {}),
    }
    return render(request, "inspections/inspection_detail.html", context, status=status)


@login_required
@require_GET
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, inspection_get(request.user, pk))


def _step(
    request: HttpRequest,
    pk: int,
    form_name: str,
    make_form: Callable[[Inspection], djforms.Form],
    run: Callable[[Inspection, dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    inspection = inspection_get(request.user, pk)
    form = make_form(inspection)
    if form.is_valid():
        try:
            run(inspection, form.cleaned_data)
        except Refused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, done)
            return redirect("inspections:inspection_detail", pk=inspection.pk)
    return _detail(request, inspection, {form_name: form}, status=400)


@login_required
@require_POST
def inspection_start(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        "start_form",
        lambda i: forms.StartForm(request.POST, inspection=i),
        lambda i, d: lifecycle.inspection_start(
            actor=signed_in(request),
            inspection=i,
            inspectors=list(d["inspectors"]),
            started_on=d["started_on"],
        ),
        gettext("已开始检查"),
    )


@login_required
@require_POST
def finding_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        "finding_form",
        lambda i: forms.FindingForm(request.POST, request.FILES, inspection=i),
        lambda i, d: findings.finding_record(
            actor=signed_in(request),
            inspection=i,
            type=d["type"],
            description=d["description"],
            evidence=d["evidence"],
            staff=list(d["staff"]),
            people_names=d["people_names"],
            confirmed=d["confirmed"],
            files=_uploads(d["file"]),
        ),
        gettext("已记录问题"),
    )


@login_required
@require_POST
def finding_confirm(request: HttpRequest, pk: int, finding_id: int) -> HttpResponse:
    inspection = inspection_get(request.user, pk)
    finding = Finding.objects.filter(inspection=inspection, pk=finding_id).first()
    if finding is None:
        raise Http404
    try:
        findings.finding_confirm(actor=signed_in(request), finding=finding)
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, gettext("已查实该问题"))
    return redirect("inspections:inspection_detail", pk=inspection.pk)


@login_required
@require_POST
def findings_conclude(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        "conclude_form",
        lambda i: forms.ConcludeForm(request.POST),
        lambda i, d: findings.findings_conclude(actor=signed_in(request), inspection=i, summary=d["summary"]),
        gettext("问题已认定，可以发送检查反馈表"),
    )


@login_required
@require_POST
def feedback_send(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        "feedback_form",
        lambda i: forms.FeedbackSendForm(request.POST),
        lambda i, d: lifecycle.feedback_send(
            actor=signed_in(request), inspection=i, deadline=d["deadline"], requirement=d["requirement"]
        ),
        gettext("检查反馈表已生成并发送给被检查单位"),
    )


@login_required
@require_POST
def rectification_plan(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        "plan_form",
        lambda i: forms.PlanTextForm(request.POST),
        lambda i, d: rectification.rectification_plan_submit(
            actor=signed_in(request), inspection=i, plan_text=d["plan_text"]
        ),
        gettext("整改方案已提交"),
    )


@login_required
@require_POST
def rectification_proof(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        "proof_form",
        lambda i: forms.ProofForm(request.POST, request.FILES),
        lambda i, d: rectification.rectification_proof_submit(
            actor=signed_in(request), inspection=i, proof_text=d["proof_text"], files=_uploads(d["file"])
        ),
        gettext("整改情况已提交，等待检查组验收"),
    )


@login_required
@require_POST
def rectification_verify(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        "verify_form",
        lambda i: forms.VerifyForm(request.POST),
        lambda i, d: rectification.rectification_verify(
            actor=signed_in(request), inspection=i, accepted=d["accepted"], note=d["note"]
        ),
        gettext("验收结果已记录"),
    )


@login_required
@require_POST
def inspection_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        "close_form",
        lambda i: forms.CloseForm(request.POST),
        lambda i, d: lifecycle.inspection_close(actor=signed_in(request), inspection=i, note=d["note"]),
        gettext("检查已办结"),
    )


@login_required
@require_GET
def feedback_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The form as sent; before sending, inspectors get a preview rendered from the current data."""
    inspection = inspection_get(request.user, pk)
    sent = getattr(inspection, "feedback_form", None)
    if sent is not None:
        content = bytes(sent.docx if fmt == "docx" else sent.pdf)
        name = f"检查反馈表-{inspection.number}-{inspection.unit.name}.{fmt}"
    elif is_inspector(request.user, inspection.district_id) and inspection.status == Status.FINDINGS_RECORDED:
        preview = forms.FeedbackSendForm()
        context = feedback_context(
            inspection,
            deadline=preview.fields["deadline"].initial,
            requirement="（预览：发送时填写的整改要求）",
            issued_on=timezone.localdate(),
        )
        _version, docx, pdf = feedback_files(inspection, context)
        content = docx if fmt == "docx" else pdf
        name = f"检查反馈表（预览）-{inspection.number}.{fmt}"
    else:
        raise Http404
    response = document_response(content, name, fmt)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int, file_id: int) -> HttpResponse:
    """Inspectors get every file; the unit only its own proof files (evidence may name who told the inspectors)."""
    inspection = inspection_get(request.user, pk)
    files = Attachment.objects.filter(inspection=inspection)
    if not is_inspector(request.user, inspection.district_id):
        files = files.filter(purpose=Attachment.Purpose.PROOF)
    row = files.filter(pk=file_id).first()
    if row is None:
        raise Http404
    response = HttpResponse(bytes(row.content), content_type=content_type(row.name))
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=row.name)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
