"""The districts' Word templates of the registered kinds (``kinds``): which one is used, and replacing it.

An uploaded template is accepted only if it renders the kind's sample data with the kind's placeholders; it becomes
version n+1 and the active one. An earlier version, or 0 (the shipped default), can be made active again. Each change
is one transaction and one audit entry. Who may change a district's templates is the scope rule's editors (the
district's inspectors) and superusers (``may_manage``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext

from pingyi.accounts.roles import Actor, Someone, person
from pingyi.accounts.scopes import can_edit, restrict
from pingyi.audit.services import audit_record
from pingyi.catalog.models import District
from pingyi.documents import kinds
from pingyi.documents.models import DocumentTemplate
from pingyi.documents.render import TemplateInvalid, docx_check, docx_render

MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
# The audit entries keep the object type they had before the model moved out of inspections, so that one template's
# history (and the audit page's filter) stays one type across the upgrade.
AUDIT_TYPE = "inspections.documenttemplate"


class TemplateRefused(Exception):
    """A refused upload or switch; ``message`` (Chinese) says why."""

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else gettext("操作被拒绝")


def may_manage(actor: Someone, district_id: int) -> bool:
    """Whether ``actor`` may replace the district's templates: a superuser, or an editor role of the scope rule
    (an inspector) whose scope holds the district."""
    return (
        can_edit(actor, DocumentTemplate)
        and restrict(District.objects.filter(pk=district_id), actor).exists()
    )


def _require_manager(actor: Actor, district_id: int) -> None:
    if not may_manage(actor, district_id):
        raise PermissionDenied(gettext("只有本区纪检监察检查人员可以进行此操作"))


def _spec(kind: str) -> kinds.DocKind:
    spec = kinds.get(kind)
    if spec is None:
        raise TemplateRefused(gettext("没有这种文书"))
    return spec


def active_template(district_id: int, kind: str) -> tuple[int, bytes | Path]:
    """(version, template) of the district's active template of ``kind``; version 0 is the shipped default."""
    row = DocumentTemplate.objects.filter(district_id=district_id, kind=kind, active=True).first()
    if row is None:
        return 0, _spec(kind).default
    return row.version, bytes(row.content)


def document_docx(district_id: int, kind: str, context: dict[str, Any]) -> tuple[int, bytes]:
    """(template version, .docx) of a document of ``kind`` for the district, filled with ``context``."""
    version, template = active_template(district_id, kind)
    return version, docx_render(template, context)


@transaction.atomic
def document_template_upload(
    *, actor: Actor, district: District, content: bytes, original_name: str, kind: str
) -> DocumentTemplate:
    """Accept a new version of a document's template (it becomes the active one) if it renders the sample."""
    spec = _spec(kind)
    _require_manager(actor, district.pk)
    if len(content) > MAX_TEMPLATE_BYTES:
        raise TemplateRefused(gettext("模板文件不能超过 5 MB"))
    try:
        docx_check(content, sample=spec.sample, known=set(spec.placeholders))
    except TemplateInvalid as exc:
        raise TemplateRefused(str(exc)) from exc
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
        uploaded_by=person(actor),
    )
    audit_record(
        actor=actor,
        action="documenttemplate.upload",
        obj=template,
        object_type=AUDIT_TYPE,
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
def document_template_activate(*, actor: Actor, district: District, version: int, kind: str) -> None:
    """Make an earlier version (or 0, the shipped default) the active template again."""
    spec = _spec(kind)
    _require_manager(actor, district.pk)
    rows = DocumentTemplate.objects.select_for_update().filter(district=district, kind=kind)
    if version and not rows.filter(version=version).exists():
        raise TemplateRefused(gettext("没有该版本的模板"))
    previous = rows.filter(active=True).values_list("version", flat=True).first() or 0
    if previous == version:
        raise TemplateRefused(gettext("该版本已是当前使用的模板"))
    rows.filter(active=True).update(active=False)
    if version:
        rows.filter(version=version).update(active=True)
    audit_record(
        actor=actor,
        action="documenttemplate.activate",
        object_type=AUDIT_TYPE,
        object_id=str(version),
        object_repr=f"{spec.label}模板 第 {version} 版",
        district_id=district.pk,
        before={"active_version": previous},
        after={"kind": kind, "active_version": version},
    )
