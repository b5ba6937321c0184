"""`pingyi sms sample [--date D] [--rate R] | send [--limit N] | inbound PHONE TEXT | schedules`."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from pingyi.accounts.roles import SystemActor


class Command(BaseCommand):
    help = "SMS invitations: sample a day's records, send the outbox, feed a reply, create the schedules."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sample = sub.add_parser(
            "sample", help="invite a share of a day's finished records (and overdue ones)"
        )
        sample.add_argument("--date", help="YYYY-MM-DD (default: today)")
        sample.add_argument("--rate", type=float, help="share 0–1 (default: PINGYI_SMS_SAMPLE_RATE)")
        send = sub.add_parser("send", help="send due messages of the outbox")
        send.add_argument("--limit", type=int)
        inbound = sub.add_parser("inbound", help="handle a reply as if it came from the gateway")
        inbound.add_argument("phone")
        inbound.add_argument("text")
        sub.add_parser("schedules", help="create the sampling and sending schedules (idempotent)")

    def handle(self, *args: Any, **options: Any) -> None:
        from pingyi.sms import services, tasks

        action = options["action"]
        if action == "sample":
            try:
                day = date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
            except ValueError as exc:
                raise CommandError("日期格式应为 YYYY-MM-DD") from exc
            if options["rate"] is not None and not 0 <= options["rate"] <= 1:
                raise CommandError("--rate 应在 0 与 1 之间")
            result = services.invitations_sample(day, options["rate"], actor=SystemActor("cli"))
            self.stdout.write(
                f"{day.isoformat()}：抽样邀评 {result.sampled} 条，智能邀评 {result.overdue} 条"
            )
        elif action == "send":
            sent = services.outbox_send(options["limit"], actor=SystemActor("cli"))
            self.stdout.write(f"已发送 {sent.sent} 条，待重试 {sent.retrying} 条，失败 {sent.failed} 条")
        elif action == "inbound":
            handled = services.sms_inbound(options["phone"], options["text"])
            if handled.outcome == "ignored":
                raise CommandError("号码格式不正确")
            self.stdout.write(handled.outcome + (f" rating={handled.rating.pk}" if handled.rating else ""))
        else:
            tasks.ensure_schedules()
            self.stdout.write("短信定时任务已就绪")
