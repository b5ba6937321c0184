"""The downloadable template of an import kind: an .xlsx whose first sheet is the header row to fill in, and whose
second sheet lists every column with the other headers accepted for it and what to write."""

from __future__ import annotations

import io

from pingyi.imports.kinds import ImportKind

HEADER_SHEET, NOTES_SHEET = "模板", "列说明"


def template_workbook(kind: type[ImportKind]) -> bytes:
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = HEADER_SHEET
    sheet.append([column.label for column in kind.columns])
    for cell, column in zip(sheet[1], kind.columns, strict=True):
        cell.font = Font(bold=column.required)
        sheet.column_dimensions[cell.column_letter].width = max(12, len(column.label) * 3)
    notes = workbook.create_sheet(NOTES_SHEET)
    notes.append(["列名", "必填", "也接受的列名", "填写说明"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for column in kind.columns:
        notes.append(
            [column.label, "是" if column.required else "否", "、".join(column.aliases), column.help]
        )
    for width, letter in zip((14, 6, 50, 70), "ABCD", strict=True):
        notes.column_dimensions[letter].width = width
    if kind.notes:
        notes.append([])
        for line in kind.notes:
            notes.append([line])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
