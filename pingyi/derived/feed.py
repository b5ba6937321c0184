"""The writers' door: say which (district, local day)s changed. Call it in the transaction that changes them.

New ratings and service records need no call (``tails``: found by id). Everything else that alters what a day
counts does: a ticket revoked (the verified rate), an import that wants its days recounted, rows edited or
removed, a window moved to another hall (``window_changed``). The call appends rows and locks nothing: a reader
taking changes at the same time sees these once they commit (``readers``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from pingyi.derived import tails
from pingyi.derived.choices import Source
from pingyi.derived.models import Change


def days_changed(district_id: int, days: Iterable[date], *, source: Source, added_only: bool = False) -> None:
    """Record that what these local days of a district count may have changed.

    ``added_only``: rows were only added, none edited or removed (a reader keeping counts per key of a month then
    recounts only the keys of those days' rows, not the whole month)."""
    Change.objects.bulk_create(
        [
            Change(district_id=district_id, day=day, source=Source(source), added_only=added_only)
            for day in sorted(set(days))
        ],
        batch_size=1000,
    )


def window_changed(window_id: int, *, source: Source = Source.CATALOG) -> None:
    """A window changed in a way every day it has data counts differently (it moved to another hall)."""
    for district_id, days in sorted(tails.window_days(window_id).items()):
        days_changed(district_id, days, source=source)
