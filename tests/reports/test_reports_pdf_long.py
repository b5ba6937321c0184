"""A province-sized table does not turn the PDF into hundreds of pages: its head is shown, the rest is in Excel."""

from __future__ import annotations

from typing import Any

from pingyi.reports.exports import Column, Table
from pingyi.reports.runner import PDF_MAX_ROWS, tables_for_pdf


class _Content:
    def __init__(self, tables: list[Table]) -> None:
        self.tables = tables


def test_a_long_table_shows_its_head_and_says_how_many_rows_are_in_excel() -> None:
    long = Table(
        "ranked", "单位排名", [Column("单位"), Column("评价", "int")], [[f"单位{i}", i] for i in range(250)]
    )
    short = Table("items", "事项", [Column("事项"), Column("差评", "int")], [["营业执照", 3]])
    shown, tickets_left_out = tables_for_pdf(_Content([long, short]))  # type: ignore[arg-type]
    assert not tickets_left_out
    first: Any = shown[0]
    assert len(first["rows"]) == PDF_MAX_ROWS and first["more"] == 250 - PDF_MAX_ROWS
    assert first["rows"][0][0] == ("单位0", False)
    assert shown[1]["more"] == 0 and len(shown[1]["rows"]) == 1
