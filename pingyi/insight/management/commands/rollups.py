"""`pingyi rollups refresh | rebuild [--from D --to D] [--district CODE] | check --from D --to D [--district CODE]`."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{text}") from None


class Command(BaseCommand):
    help = "The daily rollups (cubes) behind dashboards and reports: refresh, rebuild from raw rows, check."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("refresh", help="what the worker does every minute: recompute days that received rows")
        for name, text in (("rebuild", "recompute from the raw rows"), ("check", "compare with a recount")):
            p = sub.add_parser(name, help=text)
            p.add_argument("--from", dest="first")
            p.add_argument("--to", dest="last")
            p.add_argument("--district", help="district code (default: every district)")

    def handle(self, *args: Any, **options: Any) -> None:
        from pingyi.catalog.models import District
        from pingyi.insight.cubes.rollups import rollups_check, rollups_rebuild, rollups_refresh

        if options["action"] == "refresh":
            result = rollups_refresh()
            self.stdout.write("已全部重算" if result.full else f"已重算 {len(result.days)} 天")
            return
        first, last = _day(options.get("first")), _day(options.get("last"))
        districts = District.objects.order_by("code")
        if options.get("district"):
            districts = districts.filter(code=options["district"])
            if not districts.exists():
                raise CommandError(f"没有代码为 {options['district']} 的区")
        if options["action"] == "rebuild":
            if options.get("district"):
                for district in districts:
                    rollups_rebuild(first, last, district_id=district.pk)
                self.stdout.write(f"已重算 {districts.count()} 个区")
            else:
                self.stdout.write(f"已重算 {rollups_rebuild(first, last)} 个区")
            return
        if first is None or last is None:
            raise CommandError("check 需要 --from 与 --to")
        bad = {d.code: rollups_check(d.pk, first, last) for d in districts}
        bad = {code: tables for code, tables in bad.items() if tables}
        if bad:
            raise CommandError(
                "与原始数据重新统计不一致：" + "；".join(f"{c} {', '.join(t)}" for c, t in bad.items())
            )
        self.stdout.write(f"{first} 至 {last} 的汇总与原始数据重新统计一致")
