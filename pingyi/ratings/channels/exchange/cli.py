"""`pingyi ratings import FILE [--district CODE]` and `pingyi ratings export --from DATE --to DATE …`.

Called by the ``ratings`` management command. Its options: ``--gbt39046`` (satisfaction uses GB/T 39046's reversed
code), ``--pf-variant standard|phone`` (6 电话, 7 短信) and ``--area-code`` (the areaCode a file's rows carry, when it
is not the district's own code). A file can also say the first two per row in the fields ``satisfactionStandard`` and
``pfVariant`` (docs/exchange-format.md).
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError

from pingyi.catalog.models import District
from pingyi.ratings.channels.exchange import services as exchange


def _district(code: Any) -> District:
    districts = District.objects.all()
    if code:
        districts = districts.filter(code=str(code))
    if districts.count() != 1:
        raise CommandError("请用 --district 指定一个区（区划代码）")
    return districts.get()


def _date(value: Any, name: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise CommandError(f"{name} 应为日期 YYYY-MM-DD，收到“{value}”") from None


def _import(command: BaseCommand, options: dict[str, Any]) -> None:
    path = Path(str(options["file"]))
    if not path.is_file():
        raise CommandError(f"文件不存在：{path}")
    district = _district(options.get("district"))
    try:
        result = exchange.import_ratings(
            path,
            district,
            gbt39046=bool(options.get("gbt39046")),
            pf_variant=str(options.get("pf_variant") or "standard"),
            area_code=options.get("area_code") or None,
        )
    except exchange.ExchangeError as exc:
        raise CommandError(str(exc)) from exc
    if result.ok:
        note = f"（其中系统默认评价 {result.defaults} 条，不计入主动评价）" if result.defaults else ""
        command.stdout.write(f"已导入 {result.created} 条评价{note}")
        return
    for error in result.errors:
        command.stderr.write(str(error))
    command.stderr.write(f"发现 {len(result.errors)} 处错误，未导入任何数据；请改正后重新导入")
    sys.exit(1)


def _export(command: BaseCommand, options: dict[str, Any]) -> None:
    date_from = _date(options.get("date_from"), "--from")
    date_to = _date(options.get("date_to"), "--to")
    if date_to < date_from:
        raise CommandError("--to 不能早于 --from")
    fmt = str(options.get("format") or "jsonl")
    district = _district(options["district"]) if options.get("district") else None
    result = exchange.ExportResult()
    try:
        rows = exchange.export_rows(
            date_from,
            date_to,
            district=district,
            pf_variant=str(options.get("pf_variant") or "standard"),
            gbt39046=bool(options.get("gbt39046")),
            result=result,
        )
        output = str(options.get("output") or "-")
        if output == "-":
            out: TextIO = command.stdout  # type: ignore[assignment]
            exchange.write_export(out, rows, fmt)
        else:
            # CSV gets a BOM so that Excel opens it as UTF-8; JSON lines stay plain UTF-8.
            encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
            with open(output, "w", encoding=encoding, newline="") as handle:
                exchange.write_export(handle, rows, fmt)
    except exchange.ExchangeError as exc:
        raise CommandError(str(exc)) from exc
    for label, count in sorted(result.skipped.items()):
        command.stderr.write(f"已跳过 {count} 条“{label}”评价：该渠道在所选 pf 代码表中没有代码")
    command.stderr.write(f"已导出 {result.written} 条评价")


def run(command: BaseCommand, action: str, options: dict[str, Any]) -> None:
    if action == "import":
        _import(command, options)
    elif action == "export":
        _export(command, options)
    else:
        raise CommandError(f"未知操作：{action}")
