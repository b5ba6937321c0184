"""Read a tabular file as a header row and a stream of rows: .xlsx, or CSV in UTF-8 (with or without BOM) or GB18030.

Rows stream: an .xlsx is read with openpyxl's read-only mode and a CSV is decoded incrementally, so memory does not
grow with the file. A file that is none of these gets a ``TableError`` with a message in Chinese.
"""

from __future__ import annotations

import codecs
import csv
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


class TableError(ValueError):
    """The file as a whole cannot be read."""


@dataclass
class Table:
    headers: list[str]
    rows: Iterator[list[str]]  # data rows, as text, already stripped
    total_rows: int | None  # when cheaply known (xlsx dimension, or a line count)
    encoding: str


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "hour") else value.strftime("%Y-%m-%d")  # type: ignore[attr-defined]
    return str(value).strip()


def _detect_encoding(path: Path) -> str:
    """UTF-8 (BOM or not) when the whole file decodes as UTF-8, else GB18030 when that decodes, else refuse."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        try:
            with path.open("rb") as handle:
                while chunk := handle.read(1 << 20):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise TableError("无法识别文件编码：CSV 文件应为 UTF-8 或 GB18030（GBK）编码")


def _count_lines(path: Path) -> int:
    count = 0
    last = b"\n"
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (last != b"\n")  # the last line need not end with a newline


@contextmanager
def open_table(path: Path, original_name: str = "") -> Iterator[Table]:
    name = (original_name or path.name).lower()
    if path.stat().st_size == 0:
        raise TableError("文件为空")
    with path.open("rb") as handle:
        magic = handle.read(8)
    if name.endswith(".xls") or magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise TableError("不支持旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 CSV 后再导入")
    if magic.startswith(b"PK"):
        with _open_xlsx(path) as table:
            yield table
        return
    if b"\x00" in magic:
        raise TableError("无法识别文件编码：CSV 文件应为 UTF-8 或 GB18030（GBK）编码")
    with _open_csv(path) as table:
        yield table


@contextmanager
def _open_xlsx(path: Path) -> Iterator[Table]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise TableError("文件不是有效的 .xlsx 工作簿") from exc
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        try:
            header_row = next(rows, None)
        except Exception as exc:  # a damaged sheet fails while parsing, with whatever the XML parser raises
            raise TableError("文件不是有效的 .xlsx 工作簿（工作表已损坏）") from exc
        if header_row is None:
            raise TableError("文件为空")
        headers = [_cell_text(v) for v in header_row]
        total = (sheet.max_row - 1) if sheet.max_row else None

        def data() -> Iterator[list[str]]:
            try:
                for row in rows:
                    yield [_cell_text(v) for v in row]
            except Exception as exc:
                raise TableError("文件不是有效的 .xlsx 工作簿（工作表已损坏）") from exc

        yield Table(headers=headers, rows=data(), total_rows=total, encoding="xlsx")
    finally:
        workbook.close()


@contextmanager
def _open_csv(path: Path) -> Iterator[Table]:
    encoding = _detect_encoding(path)
    total = max(_count_lines(path) - 1, 0)
    with path.open("r", encoding=encoding, newline="") as raw:
        sample = raw.read(4096)
        raw.seek(0)
        try:
            dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(raw, dialect)
        try:
            header_row = next(reader)
        except StopIteration:
            raise TableError("文件为空") from None
        except csv.Error as exc:
            raise TableError(f"CSV 格式错误：{exc}") from exc
        headers = [h.strip().lstrip("\ufeff") for h in header_row]

        def data() -> Iterator[list[str]]:
            try:
                for row in reader:
                    yield [cell.strip() for cell in row]
            except csv.Error as exc:
                raise TableError(f"CSV 格式错误（第 {reader.line_num} 行）：{exc}") from exc

        yield Table(headers=headers, rows=data(), total_rows=total, encoding=encoding)
