"""`pingyi jobs list | reap | retry KIND ID`: the apps' job rows (imports, reports, comparison runs) by hand.

``list`` shows the rows not done and the broker's queue; ``reap`` runs the reaper now (the worker runs it every five
minutes); ``retry`` runs a failed row again, as the button on its page does.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from pingyi.accounts.roles import COMMAND
from pingyi.ops.jobrows import KINDS
from pingyi.ops.queue import oldest_queued_at, queue_depth
from pingyi.ops.reaper import reap


class Command(BaseCommand):
    help = "Job rows: list those not done, reap the ones whose worker died, retry a failed one."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["list", "reap", "retry"])
        parser.add_argument("kind", nargs="?", choices=sorted(KINDS))
        parser.add_argument("id", nargs="?", type=int)

    def handle(self, *args: object, **options: object) -> None:
        action = options["action"]
        if action == "reap":
            done = reap()
            for item in done:
                self.stdout.write(f"{item.kind} {item.pk}: {item.action}")
            self.stdout.write(f"reaped {len(done)}")
        elif action == "retry":
            self._retry(options.get("kind"), options.get("id"))
        else:
            self._list()

    def _retry(self, kind_name: object, pk: object) -> None:
        if not isinstance(kind_name, str) or not isinstance(pk, int):
            raise CommandError("usage: pingyi jobs retry import|report|comparison ID")
        kind = KINDS[kind_name]
        row = kind.rows().filter(pk=pk).first()
        if row is None:
            raise CommandError(f"no {kind_name} {pk}")
        try:
            again = kind.retry(actor=COMMAND, row=row)
        except (ValidationError, ValueError) as exc:
            raise CommandError(str(getattr(exc, "message", exc))) from exc
        self.stdout.write(f"{kind_name} {again.pk}: queued again")

    def _list(self) -> None:
        oldest = oldest_queued_at()
        age = f", oldest waiting {(timezone.now() - oldest).total_seconds():.0f} s" if oldest else ""
        self.stdout.write(f"broker queue: {queue_depth()} waiting{age}")
        for kind in KINDS.values():
            statuses = [s for s in (kind.queued, kind.running, kind.failed) if s is not None]
            rows = kind.rows().filter(status__in=statuses).order_by("-pk")[:50]
            for row in rows:
                started = getattr(row, kind.started_field, None)
                since = f" since {timezone.localtime(started):%Y-%m-%d %H:%M:%S}" if started else ""
                reason = getattr(row, kind.reason_field, "")
                self.stdout.write(f"{kind.name} {row.pk}: {row.status}{since} {reason}".rstrip())
