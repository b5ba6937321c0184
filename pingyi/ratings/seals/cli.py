"""`pingyi ratings seal [--date YYYY-MM-DD]`: seal one past day, or every past day not sealed yet."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pingyi.accounts.roles import SystemActor
from pingyi.ratings.seals.services import SealError, seal_day, seal_pending


def run(command: BaseCommand, options: dict[str, Any]) -> None:
    raw = options.get("date")
    if raw:
        try:
            day = date.fromisoformat(str(raw))
        except ValueError as exc:
            raise CommandError(f"--date: {raw!r} is not a date (YYYY-MM-DD)") from exc
        try:
            seal = seal_day(day, actor=SystemActor("cli"))
        except SealError as exc:
            raise CommandError(str(exc)) from exc
        command.stdout.write(
            f"sealed {seal.day}: {seal.count} ratings, digest {seal.digest} (audit #{seal.audit_seq})"
        )
        return
    days = seal_pending()
    if not days:
        command.stdout.write("nothing to seal: every past day is sealed")
        return
    command.stdout.write(
        f"sealed {len(days)} days: {days[0]} … {days[-1]}" if len(days) > 1 else f"sealed {days[0]}"
    )
