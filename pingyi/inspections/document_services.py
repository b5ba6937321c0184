"""Uploaded Word templates of the official documents (``doc_kinds``): checked by rendering sample data, versioned,
one active per district and kind."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext

from pingyi.audit.services import audit_record
from pingyi.catalog.models import District
from pingyi.inspections import doc_kinds
from pingyi.inspections.errors import Refused
from pingyi.inspections.feedback import KIND as FEEDBACK
from pingyi.inspections.models import DocumentTemplate
from pingyi.inspections.services.guards import require_inspector
from pingyi.lib.documents import TemplateInvalid, docx_check

MAX_TEMPLATE_BYTES = 5 * 1024 * 1024


def _spec(kind: str) -> doc_kinds.DocKind:
    spec = doc_kinds.get(kind)
    if spec is None:
        raise Refused(gettext("没有这种文书"))
    return spec


@transaction.atomic
def document_template_upload(
    *, actor: Any, district: District, content: bytes, original_name: str, kind: str = FEEDBACK
) -> DocumentTemplate:
    """Accept a new version of a document's template (it becomes the active one) if it renders the sample."""
    spec = _spec(kind)
    require_inspector(actor, district.pk)
    if len(content) > MAX_TEMPLATE_BYTES:
        raise Refused(gettext("模板文件不能超过 5 MB"))
    try:
        docx_check(content, sample=spec.sample, known=set(spec.placeholders))
    except TemplateInvalid as exc:
        raise Refused(str(exc)) from exc
    rows = DocumentTemplate.objects.select_for_update().filter(district=district, kind=kind)
    version = (rows.aggregate(v=Max("version"))["v"] or 0) + 1
    previous = rows.filter(active=True).values_list("version", flat=True).first()
    rows.filter(active=True).update(active=False)
    template = DocumentTemplate.objects.create(
        district=district,
        kind=kind,
        version=version,
        content=content,
        original_name=original_name[:255],
        active=True,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action="documenttemplate.upload",
        obj=template,
        before={"active_version": previous or 0},
        after={
            "kind": kind,
            "active_version": version,
            "original_name": template.original_name,
            "size": len(content),
        },
    )
    return template


@transaction.atomic
def document_template_activate(*, actor: Any, district: District, version: int, kind: str = FEEDBACK) -> None:
    """Make an earlier version (or 0, the shipped default) the active template again."""
    spec = _spec(kind)
    require_inspector(actor, district.pk)
    rows = DocumentTemplate.objects.select_for_update().filter(district=district, kind=kind)
    if version and not rows.filter(version=version).exists():
        raise Refused(gettext("没有该版本的模板"))
    previous = rows.filter(active=True).values_list("version", flat=True).first() or 0
    if previous == version:
        raise Refused(gettext("该版本已是当前使用的模板"))
    rows.filter(active=True).update(active=False)
    if version:
        rows.filter(version=version).update(active=True)
    audit_record(
        actor=actor,
        action="documenttemplate.activate",
        object_type="inspections.documenttemplate",
        object_id=str(version),
        object_repr=f"{spec.label}模板 第 {version} 版",
        district_id=district.pk,
        before={"active_version": previous},
        after={"kind": kind, "active_version": version},
    )
