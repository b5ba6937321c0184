"""`pingyi alerts evaluate [--kind KIND …] [--district CODE]`: judge the alert rules now (the worker does it on its
schedules)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pingyi.alerts.evaluate import alerts_evaluate
from pingyi.alerts.models import AlertKind
from pingyi.catalog.models import District


class Command(BaseCommand):
    help = "Evaluate the alert rules: raise, refresh and clear alerts, send their notifications."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["evaluate"])
        parser.add_argument(
            "--kind", action="append", choices=AlertKind.values, help="only this kind (repeatable)"
        )
        parser.add_argument("--district", help="district code (default: every district)")

    def handle(self, *args: object, **options: object) -> None:
        district = None
        if options["district"]:
            district = District.objects.filter(code=options["district"]).first()
            if district is None:
                raise CommandError(f"没有编码为 {options['district']} 的区")
        kinds = options["kind"] or None
        result = alerts_evaluate(kinds=kinds, district=district)  # type: ignore[arg-type]
        self.stdout.write(result.render())
