"""`pingyi workdays add DATE N | between DATE DATE | is DATE | check`."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{text}") from None


class Command(BaseCommand):
    help = "Working days on the State Council's calendar (the day of receipt does not count)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="the N-th working day after DATE")
        add.add_argument("date")
        add.add_argument("n", type=int)
        between = sub.add_parser("between", help="working days after A up to and including B")
        between.add_argument("a")
        between.add_argument("b")
        is_ = sub.add_parser("is", help="whether DATE is a working day")
        is_.add_argument("date")
        sub.add_parser("check", help="alert when this year or the next 60 days have no schedule")

    def handle(self, *args: Any, **options: Any) -> None:
        from pingyi.workdays import days, tasks

        try:
            if options["action"] == "add":
                if options["n"] < 0:
                    raise CommandError("工作日数不能为负数")
                self.stdout.write(days.add_working_days(_day(options["date"]), options["n"]).isoformat())
            elif options["action"] == "between":
                self.stdout.write(str(days.working_days_between(_day(options["a"]), _day(options["b"]))))
            elif options["action"] == "is":
                self.stdout.write("工作日" if days.is_working_day(_day(options["date"])) else "休息日")
            else:
                result = tasks.lookahead()
                if result != "ok":
                    raise CommandError(f"缺少年度节假日安排：{result.removeprefix('missing=')}")
                self.stdout.write("节假日安排齐全")
        except days.UnknownYear as exc:
            raise CommandError(str(exc)) from None
