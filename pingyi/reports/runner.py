"""Build a report as a worker job (django-q2, like the imports): figures, tables, narrative, Excel, PDF.

Each step stores its number on the report before it starts, so the page (polled by htmx) shows how far it got. A job
that fails, whatever the reason, ends ``failed`` with a message: a report never stays "generating" forever.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from pingyi.accounts.roles import SYSTEM
from pingyi.audit.services import audit_record
from pingyi.documents.render import pdf_render
from pingyi.reports import tables
from pingyi.reports.exports import SheetFormats, Table, cell_text, write_sheet
from pingyi.reports.figures import LABELS, Figures, period_figures
from pingyi.reports.models import Report
from pingyi.reports.narrative import district_narrative, unit_narrative

PDF_MAX_TICKETS = 200
PDF_MAX_ROWS = 100  # a province's table of ten thousand units is read in Excel; the PDF shows its head
PDF_PORTRAIT_COLUMNS = 9
STEPS = ("计算各项数据", "排列单位名次", "统计工单与问题", "撰写文字稿", "生成 Excel", "生成 PDF")


@dataclass
class Content:
    report: Report
    figures: Figures
    tables: list[Table]  # rows are lists here: the PDF and the Excel sheet read them both
    narrative: str

    @property
    def issuer(self) -> str:
        return f"{self.report.district.name}纪检监察工委"


def _step(report: Report, index: int) -> None:
    report.steps_done, report.step_label = index, STEPS[index]
    Report.objects.filter(pk=report.pk).update(
        steps_done=index, step_label=STEPS[index], status=report.status
    )


def _materialized(table: Table) -> Table:
    return Table(table.name, table.title, table.columns, [list(row) for row in table.rows])


def build_content(report: Report) -> Content:
    where = tables.Where(report.district_id, report.unit_id, report.period_start, report.period_end)
    _step(report, 0)
    figures = period_figures(
        report.district_id, report.period_start, report.period_end, unit_id=report.unit_id
    )
    _step(report, 1)
    built = [_materialized(tables.ranked_table(where))]
    _step(report, 2)
    problems = _materialized(tables.finding_types_table(where))
    built += [
        _materialized(tables.tickets_by_unit_table(where)),
        problems,
        _materialized(tables.negative_items_table(where)),
        _materialized(tables.ticket_list_table(where)),
    ]
    _step(report, 3)
    top_types = [str(row[0]) for row in problems.rows]
    if report.unit is None:
        text = district_narrative(
            figures,
            issuer=f"{report.district.name}纪检监察工委",
            period=report.period_label,
            top_types=top_types,
        )
    else:
        text = unit_narrative(figures, unit=report.unit.name, period=report.period_label, top_types=top_types)
    return Content(report, figures, built, text)


def _figures_sheet(workbook: Any, formats: SheetFormats, figures: Figures) -> None:
    """The first sheet: each figure with its value (a rate as a percentage), its measure word and its definition."""
    sheet = workbook.add_worksheet("主要数据")
    for col, (title, width) in enumerate((("指标", 22), ("数值", 14), ("单位", 6), ("口径", 60))):
        sheet.write_string(0, col, title, formats.header)
        sheet.set_column(col, col, width)
    for row_no, (name, label) in enumerate(LABELS.items(), start=1):
        value = getattr(figures, name)
        sheet.write_string(row_no, 0, label.text)
        if value is not None:
            sheet.write_number(row_no, 1, value, formats.rate if label.measure == "%" else None)
        sheet.write_string(row_no, 2, label.measure)
        sheet.write_string(row_no, 3, label.counts)


def render_xlsx(content: Content) -> bytes:
    """The report as a workbook: the figures with their definitions, the narrative, then one sheet per table."""
    import xlsxwriter

    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    formats = SheetFormats(workbook)
    _figures_sheet(workbook, formats, content.figures)
    write_sheet(
        workbook,
        formats,
        Table(
            "narrative",
            "文字稿",
            [tables.Column(content.report.title)],
            [
                [f"统计期间：{content.figures.start:%Y-%m-%d} 至 {content.figures.end:%Y-%m-%d}"],
                [content.narrative],
            ],
        ),
    )
    for table in content.tables:
        write_sheet(workbook, formats, table)
    workbook.close()
    return out.getvalue()


def tables_for_pdf(content: Content) -> tuple[list[dict[str, Any]], bool]:
    """The tables as text for the PDF, and whether the ticket list was left to the Excel file (too long)."""
    shown, left_out = [], False
    for table in content.tables:
        rows = [
            [(cell_text(v, c), c.kind != "text") for v, c in zip(row, table.columns, strict=True)]
            for row in table.rows
        ]
        if table.name == "tickets" and len(rows) > PDF_MAX_TICKETS:
            left_out = True  # a long ticket list is in the Excel file only; the PDF keeps the per-unit table
            continue
        shown.append(
            {
                "title": table.title,
                "columns": [c.label for c in table.columns],
                "rows": rows[:PDF_MAX_ROWS],
                "more": max(0, len(rows) - PDF_MAX_ROWS),  # rows left to the Excel file
                "wide": len(table.columns) > PDF_PORTRAIT_COLUMNS,  # on a landscape page
            }
        )
    return shown, left_out


def render_pdf(content: Content) -> bytes:
    pdf_tables, left_out = tables_for_pdf(content)
    return pdf_render(
        "reports/report_pdf.html",
        {
            "report": content.report,
            "issuer": content.issuer,
            "figures": [
                (text, shown, LABELS[name].counts) for name, text, _value, shown in content.figures.rows()
            ],
            "narrative": content.narrative,
            "tables": pdf_tables,
            "tickets_in_excel": left_out,
            "generated_at": timezone.localtime(),
        },
    )


def build_report(report_id: int) -> Report:
    """The worker's job: build every part, store the files and the figures, and record it in the audit log.

    Only a queued report is built: the worker claims it (queued → running) in one statement, so a task delivered
    twice or a report the reaper gave up on is left alone."""
    claimed = Report.objects.filter(pk=report_id, status=Report.Status.QUEUED).update(
        status=Report.Status.RUNNING, started_at=timezone.now()
    )
    report = Report.objects.select_related("district", "unit", "requested_by").get(pk=report_id)
    if not claimed:
        return report
    try:
        content = build_content(report)
        _step(report, 4)
        xlsx = render_xlsx(content)
        _step(report, 5)
        pdf = render_pdf(content)
    except Exception as exc:
        Report.objects.filter(pk=report.pk).update(
            status=Report.Status.FAILED, message=f"生成失败：{type(exc).__name__}", finished_at=timezone.now()
        )
        raise
    with transaction.atomic():
        report.figures = content.figures.as_json()
        report.narrative = content.narrative
        report.xlsx, report.pdf = xlsx, pdf
        report.status = Report.Status.DONE
        report.steps_done = len(STEPS)
        report.step_label = ""
        report.finished_at = timezone.now()
        report.message = f"已生成：Excel {len(xlsx) // 1024} KB，PDF {len(pdf) // 1024} KB"
        report.save()
        audit_record(
            actor=report.requested_by or SYSTEM,
            action="report.build",
            obj=report,
            after={"figures": report.figures, "xlsx_bytes": len(xlsx), "pdf_bytes": len(pdf)},
        )
    return report
