"""Any table as a download: CSV streamed row by row, Excel written by xlsxwriter in constant-memory mode.

A ``Table`` names its columns and yields its rows lazily (an iterator over a queryset or over the insight cubes), so
an export of any length holds one row in memory at a time. Tables are built by the caller from scoped queries; the
helpers here add nothing and drop nothing. A column never holds a phone number: tables are made of names, codes,
counts and rates only (see docs/reports.md).
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = "text"  # "text", "int", "number", "rate" (a fraction, shown as a percentage) or "datetime"


@dataclass
class Table:
    name: str  # the file name's stem (ASCII)
    title: str  # the sheet's title (Chinese)
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]


def cell_text(value: Any, column: Column) -> str:
    """A value as CSV text: rates as percentages with two decimals, times in local time, nothing as empty."""
    if value is None:
        return ""
    if column.kind == "rate":
        return f"{value * 100:.2f}%"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a streaming response."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(table: Table) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # Excel opens a UTF-8 CSV with Chinese text correctly only with the byte-order mark
    yield writer.writerow([c.label for c in table.columns])
    for row in table.rows:
        yield writer.writerow([cell_text(v, c) for v, c in zip(row, table.columns, strict=True)])


def _disposition(filename: str) -> str:
    return f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"


def csv_response(table: Table) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_csv_lines(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _disposition(f"{table.name}.csv")
    return response


class SheetFormats:
    """The cell formats of one workbook (xlsxwriter formats belong to the workbook that made them)."""

    def __init__(self, workbook: Any) -> None:
        self.header = workbook.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
        self.rate = workbook.add_format({"num_format": "0.00%"})
        self.datetime = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self.date = workbook.add_format({"num_format": "yyyy-mm-dd"})


def write_sheet(workbook: Any, formats: SheetFormats, table: Table) -> None:
    """One table as one worksheet, row by row (in constant-memory mode rows must come in order, as they do)."""
    sheet = workbook.add_worksheet(table.title[:31])
    for col, column in enumerate(table.columns):
        sheet.write_string(0, col, column.label, formats.header)
        sheet.set_column(col, col, 14 if column.kind != "text" else 24)
    for row_no, row in enumerate(table.rows, start=1):
        for col, (value, column) in enumerate(zip(row, table.columns, strict=True)):
            if value is None:
                continue
            if column.kind == "rate":
                sheet.write_number(row_no, col, value, formats.rate)
            elif isinstance(value, datetime):
                sheet.write_datetime(
                    row_no, col, timezone.localtime(value).replace(tzinfo=None), formats.datetime
                )
            elif isinstance(value, date):
                sheet.write_datetime(row_no, col, datetime.combine(value, datetime.min.time()), formats.date)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                sheet.write_number(row_no, col, value)
            else:
                sheet.write_string(row_no, col, str(value))


def xlsx_response(table: Table) -> FileResponse:
    """The table as one-sheet Excel, built in a temporary file (constant memory) and streamed from it."""
    import xlsxwriter

    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    try:
        workbook = xlsxwriter.Workbook(path, {"constant_memory": True, "tmpdir": tempfile.gettempdir()})
        write_sheet(workbook, SheetFormats(workbook), table)
        workbook.close()
        handle = open(path, "rb")  # noqa: SIM115  (FileResponse closes it once sent)
    finally:
        os.unlink(path)  # the open handle keeps the bytes readable until the response is sent
    return FileResponse(handle, as_attachment=True, filename=f"{table.name}.xlsx", content_type=XLSX_TYPE)


def export_response(table: Table, fmt: str) -> StreamingHttpResponse | FileResponse:
    if fmt == "xlsx":
        return xlsx_response(table)
    return csv_response(table)
