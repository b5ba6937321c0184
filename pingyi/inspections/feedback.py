"""The 检查反馈表: its kind (placeholders, the sample data a new template must render, the shipped default, registered
with pingyi.documents when the app is ready), its context, and the Word and PDF files.

The Word file comes from the district's active uploaded template (pingyi.documents) or, without one, from the shipped
default ``templates/inspections/docx/feedback_form.docx``; the PDF from ``inspections/feedback_pdf.html``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from pingyi.documents.kinds import DocKind
from pingyi.documents.render import chinese_date, pdf_render
from pingyi.documents.services import document_docx
from pingyi.inspections.models import Finding, Inspection

DEFAULT_TEMPLATE = (
    Path(__file__).resolve().parent / "templates" / "inspections" / "docx" / "feedback_form.docx"
)
KIND = "inspection_feedback"

# Every placeholder a template may use, with what it holds (docs/inspections.md lists the same).
PLACEHOLDERS = {
    "issuer": _("出具机关，如“××区纪检监察工委”"),
    "number": _("检查编号，如 JC2026-0012"),
    "unit_name": _("被检查单位名称"),
    "unit_code": _("单位编码"),
    "window": _("检查窗口（未指定时为“—”）"),
    "kind": _("检查方式（随机查、重点查、定点查、暗访）"),
    "methods": _("检查方法，如“数据比对、现场核查”"),
    "inspected_on": _("检查日期"),
    "inspectors": _("检查人员"),
    "summary": _("检查情况"),
    "finding_count": _("查实问题个数"),
    "findings": _("查实问题列表，每项有 no、type、description、evidence、people"),
    "requirement": _("整改要求"),
    "deadline": _("整改期限"),
    "issued_on": _("反馈日期"),
}

SAMPLE: dict[str, Any] = {
    "issuer": "示例区纪检监察工委",
    "number": "JC2026-0001",
    "unit_name": "区物流事业发展中心",
    "unit_code": "U001",
    "window": "—",
    "kind": "定点查",
    "methods": "数据比对、现场核查",
    "inspected_on": "2026年11月20日",
    "inspectors": "王检查、李核查",
    "summary": "经后台数据比对和实地核查，该单位11月系统录入数据与群众扫码数据存在出入。",
    "finding_count": 1,
    "findings": [
        {
            "no": 1,
            "type": "漏报",
            "description": "未及时录入服务对象数据",
            "evidence": "系统录入 120 条，扫码评价 310 条",
            "people": "周某",
        }
    ],
    "requirement": "全面查找问题根源，细化落实整改措施。",
    "deadline": "2026年12月11日",
    "issued_on": "2026年11月20日",
}


def confirmed_findings(inspection: Inspection) -> list[Finding]:
    return list(
        inspection.findings.filter(confirmed=True)
        .select_related("type")
        .prefetch_related("staff")
        .order_by("id")
    )


# The form is an official Chinese document: its labels (kind, methods) are Chinese whoever generates it.
@translation.override("zh-hans")
def feedback_context(
    inspection: Inspection, *, deadline: date | None, requirement: str, issued_on: date
) -> dict[str, Any]:
    findings = confirmed_findings(inspection)
    inspectors = [u.first_name or u.username for u in inspection.inspectors.order_by("id")]
    return {
        "issuer": f"{inspection.unit.district.name}纪检监察工委",
        "number": inspection.number,
        "unit_name": inspection.unit.name,
        "unit_code": inspection.unit.code,
        "window": str(inspection.window) if inspection.window_id else "—",
        "kind": inspection.get_kind_display(),
        "methods": inspection.methods_display or "—",
        "inspected_on": chinese_date(inspection.started_on, missing="—"),
        "inspectors": "、".join(inspectors) or "—",
        "summary": inspection.summary or "—",
        "finding_count": len(findings),
        "findings": [
            {
                "no": n,
                "type": f.type.name,
                "description": f.description,
                "evidence": f.evidence or "—",
                "people": f.people_display or "—",
            }
            for n, f in enumerate(findings, start=1)
        ],
        "requirement": requirement or ("未发现问题，无需整改。" if not findings else "—"),
        "deadline": chinese_date(deadline, missing="—") if findings else "无",
        "issued_on": chinese_date(issued_on, missing="—"),
    }


def feedback_files(inspection: Inspection, context: dict[str, Any]) -> tuple[int, bytes, bytes]:
    """(template version, .docx, .pdf) of the form for ``context``."""
    version, docx = document_docx(inspection.district_id, KIND, context)
    pdf = pdf_render("inspections/feedback_pdf.html", context)
    return version, docx, pdf


FEEDBACK_FORM = DocKind(KIND, gettext_noop("检查反馈表"), DEFAULT_TEMPLATE, PLACEHOLDERS, SAMPLE)
