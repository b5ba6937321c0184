"""`pingyi audit verify`: walk the whole chain, then what the registered verifiers check (``audit.seals``: the
daily rating seals it holds).

Exit 0 when both are intact; 1 naming the first broken entry, or the first sealed day whose ratings changed.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandParser

from pingyi.audit import seals as seal_checks
from pingyi.audit.selectors import chain_verify


class Command(BaseCommand):
    help = (
        "Audit log tools. `verify` checks the hash chain from the first entry to the last, then recomputes every "
        "day of ratings sealed in it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: object, **options: object) -> None:
        result = chain_verify()
        if not result.ok:
            self.stderr.write(f"audit chain BROKEN at entry #{result.broken_seq}: {result.reason}")
            sys.exit(1)
        self.stdout.write(f"audit chain intact: {result.checked} entries verified")
        # The seal entries are trustworthy only now that the chain verified.
        for _name, verify in seal_checks.registered():
            verdict = verify()
            if not verdict.ok:
                self.stderr.write(verdict.message)
                sys.exit(1)
            if verdict.message:
                self.stdout.write(verdict.message)
