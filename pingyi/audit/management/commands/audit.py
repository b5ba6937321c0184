"""`pingyi audit verify`: walk the whole chain; exit 0 when intact, 1 naming the first broken entry."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandParser

from pingyi.audit.selectors import chain_verify


class Command(BaseCommand):
    help = "Audit log tools. `verify` checks the hash chain from the first entry to the last."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: object, **options: object) -> None:
        result = chain_verify()
        if result.ok:
            self.stdout.write(f"audit chain intact: {result.checked} entries verified")
            return
        self.stderr.write(f"audit chain BROKEN at entry #{result.broken_seq}: {result.reason}")
        sys.exit(1)
