"""`pingyi compare --from DATE --to DATE [--district CODE] [--json | --check-facts]`: run the comparison engine, or
check that its kept per-day facts equal a recount from the raw rows."""

from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pingyi.accounts.roles import COMMAND
from pingyi.catalog.models import District
from pingyi.oversight.facts.reading import Facts
from pingyi.oversight.facts.store import facts_check
from pingyi.oversight.models import AnomalyKind, ComparisonRun
from pingyi.oversight.services import AnomalyError, comparison_run_period
from pingyi.oversight.thresholds import thresholds


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD，收到 {value!r}") from None


class Command(BaseCommand):
    help = "Compare entered records with QR scans, SMS answers and hotline data; store the anomalies found."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="date_from", required=True)
        parser.add_argument("--to", dest="date_to", required=True)
        parser.add_argument("--district", help="district code (default: every district)")
        parser.add_argument("--json", action="store_true", help="print the runs as JSON")
        parser.add_argument(
            "--check-facts",
            action="store_true",
            help="compare nothing: check that the kept per-day facts equal a recount from the raw rows",
        )

    def handle(self, *args: object, **options: object) -> None:
        start, end = _day(str(options["date_from"])), _day(str(options["date_to"]))
        districts = District.objects.order_by("code")
        if options["district"]:
            districts = districts.filter(code=options["district"])
            if not districts.exists():
                raise CommandError(f"没有编码为 {options['district']} 的区")
        if options["check_facts"]:
            self._check(list(districts), start, end)
            return
        runs: list[ComparisonRun] = []
        for district in districts:
            try:
                runs.append(
                    comparison_run_period(
                        actor=COMMAND,
                        district=district,
                        start=start,
                        end=end,
                        trigger=ComparisonRun.Trigger.COMMAND,
                    )
                )
            except AnomalyError as exc:
                raise CommandError(exc.message) from None
        if options["json"]:
            out = [
                {
                    "run": run.pk,
                    "district": run.district.code,
                    "from": run.period_start.isoformat(),
                    "to": run.period_end.isoformat(),
                    "duration_ms": run.duration_ms,
                    "counts": run.counts,
                }
                for run in runs
            ]
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
            return
        for run in runs:
            self.stdout.write(
                f"{run.district.name} {run.period_start}—{run.period_end}：{run.duration_ms} ms"
            )
            for kind in AnomalyKind:
                c = run.counts.get(kind.value, {})
                if c.get("found"):
                    self.stdout.write(f"  {kind.label}（{kind.value}）：{c['found']} 项，新增 {c['new']} 项")

    def _check(self, districts: list[District], start: date, end: date) -> None:
        """Refresh the facts a comparison of the period reads, then recount them all from scratch (rolled back)."""
        limits = thresholds()
        differing = []
        for district in districts:
            first = Facts(district.pk, start, end, limits).history_start
            tables = facts_check(district.pk, first, end, limits)
            if tables:
                differing.append(district.code)
                self.stdout.write(f"{district.name}：与重新计数不一致的表 {', '.join(tables)}")
            else:
                self.stdout.write(f"{district.name} {first}—{end}：与重新计数一致")
        if differing:
            raise CommandError(
                f"{len(differing)} 个区的比对事实与重新计数不一致（pingyi compare 会重新计数）"
            )
