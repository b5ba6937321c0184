"""The 督办函 of an overdue or escalated ticket, as Word (the district's active template, which inspectors may replace
on the 文书模板 page, else the shipped one in ``templates/tickets/docx``) and PDF (WeasyPrint with Noto CJK) — the same
context for both. ``SUPERVISION_LETTER`` is its document kind, registered with pingyi.documents when the app is ready."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from pingyi.documents.kinds import DocKind
from pingyi.documents.render import chinese_date, pdf_render
from pingyi.documents.services import document_docx
from pingyi.tickets.models import Ticket
from pingyi.workdays import days

REPLY_WORKING_DAYS = 3  # a 督办函 asks for the report within this many working days
DOCX = Path(__file__).resolve().parent / "templates" / "tickets" / "docx"


def _day(value: date | datetime | None) -> str:
    return chinese_date(value, missing="（待定）")


def _reply_by(today: date) -> str:
    try:
        return _day(days.add_working_days(today, REPLY_WORKING_DAYS))
    except days.UnknownYear:
        return f"收函后 {REPLY_WORKING_DAYS} 个工作日内"


# The letter is an official Chinese document: its labels (the source) are Chinese whoever generates it.
@translation.override("zh-hans")
def supervision_context(ticket: Ticket, *, today: date | None = None) -> dict[str, Any]:
    today = today or timezone.localdate()
    overdue = ticket.overdue()
    overdue_text = {"visit": "仍未完成回访核实", "rectify": "仍未完成整改"}.get(overdue, "尚未办结")
    return {
        "issuer": f"{ticket.unit.district.name}纪检监察工委",
        "number": f"督办〔{today.year}〕{ticket.pk}-{max(ticket.escalation, 1)}号",
        "unit_name": ticket.unit.name,
        "opened_on": _day(ticket.opened_at),
        "source": ticket.get_source_display(),
        "window": ticket.window.name if ticket.window else "",
        "tracking_code": ticket.tracking_code,
        "summary": ticket.summary,
        "visit_due": _day(ticket.visit_due),
        "rectify_due": _day(ticket.rectify_due),
        "today": _day(today),
        "overdue_text": overdue_text,
        "level": max(ticket.escalation, 1),
        "reply_by": _reply_by(today),
    }


def supervision_docx(ticket: Ticket) -> bytes:
    return document_docx(ticket.district_id, SUPERVISION, supervision_context(ticket))[1]


def supervision_pdf(ticket: Ticket) -> bytes:
    return pdf_render("tickets/supervision_pdf.html", supervision_context(ticket))


SUPERVISION = "ticket_supervision"
SUPERVISION_LETTER = DocKind(
    SUPERVISION,
    gettext_noop("督办函"),
    DOCX / "supervision_letter.docx",
    {
        "issuer": _("出具机关，如“××区纪检监察工委”"),
        "number": _("督办文号"),
        "unit_name": _("承办单位"),
        "opened_on": _("立单日期"),
        "source": _("来源（差评、12345热线……）"),
        "window": _("窗口"),
        "tracking_code": _("查询码"),
        "summary": _("问题描述"),
        "visit_due": _("回访期限"),
        "rectify_due": _("整改期限"),
        "today": _("发函日期"),
        "overdue_text": _("逾期情况，如“仍未完成整改”"),
        "level": _("第几次督办"),
        "reply_by": _("报送期限"),
    },
    {
        "issuer": "示例区纪检监察工委",
        "number": "督办〔2026〕12-1号",
        "unit_name": "区市场监管局",
        "opened_on": "2026年11月2日",
        "source": "差评",
        "window": "3号窗口",
        "tracking_code": "ABCD234567",
        "summary": "服务态度生硬",
        "visit_due": "2026年11月3日",
        "rectify_due": "2026年11月23日",
        "today": "2026年11月25日",
        "overdue_text": "仍未完成整改",
        "level": 1,
        "reply_by": "2026年11月30日",
    },
)
