"""The 纪检监察建议书 of a suggestion, as Word (the district's active template, which inspectors may replace on the
文书模板 page, else the shipped one in ``templates/accountability/docx``) and PDF (WeasyPrint with Noto CJK) — the same
context for both. ``SUGGESTION_LETTER`` is its document kind, registered with pingyi.documents when the app is ready."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from pingyi.accountability.models import Suggestion
from pingyi.documents.kinds import DocKind
from pingyi.documents.render import chinese_date, pdf_render
from pingyi.documents.services import document_docx

DOCX = Path(__file__).resolve().parent / "templates" / "accountability" / "docx"
SUGGESTION = "suggestion"


# The letter is an official Chinese document: its labels (verdicts, finding types) are Chinese whoever generates it.
@translation.override("zh-hans")
def suggestion_context(suggestion: Suggestion) -> dict[str, Any]:
    basis = [f"工单 {t.tracking_code}（{t.get_verdict_display()}）" for t in suggestion.tickets.all()]
    basis += [
        f"检查发现：{f.type.name}（{f.description[:40]}）" for f in suggestion.findings.select_related("type")
    ]
    return {
        "issuer": f"{suggestion.unit.district.name}纪检监察工委",
        "number": suggestion.number,
        "unit_name": suggestion.unit.name,
        "issues": suggestion.issues,
        "suggestions": suggestion.suggestions,
        "basis": basis,
        "reply_by": chinese_date(suggestion.reply_by, missing="（待定）"),
        "issued_on": chinese_date(suggestion.issued_on, missing="（待定）"),
    }


def suggestion_docx(suggestion: Suggestion) -> bytes:
    return document_docx(suggestion.district_id, SUGGESTION, suggestion_context(suggestion))[1]


def suggestion_pdf(suggestion: Suggestion) -> bytes:
    return pdf_render("accountability/suggestion_pdf.html", suggestion_context(suggestion))


SUGGESTION_LETTER = DocKind(
    SUGGESTION,
    gettext_noop("纪检监察建议书"),
    DOCX / "suggestion_letter.docx",
    {
        "issuer": _("出具机关"),
        "number": _("文号"),
        "unit_name": _("被建议单位"),
        "issues": _("存在问题"),
        "suggestions": _("监察建议"),
        "basis": _("依据列表（工单、检查发现），每项为一句话"),
        "reply_by": _("反馈期限"),
        "issued_on": _("发出日期"),
    },
    {
        "issuer": "示例区纪检监察工委",
        "number": "示纪建〔2026〕1号",
        "unit_name": "区市场监管局",
        "issues": "窗口服务态度生硬。",
        "suggestions": "一、开展培训；二、建立回访制度。",
        "basis": ["工单 ABCD234567（属实）"],
        "reply_by": "2026年12月25日",
        "issued_on": "2026年11月25日",
    },
)
