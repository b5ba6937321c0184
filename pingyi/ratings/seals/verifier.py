"""The seals' verifier for ``pingyi audit verify`` (registered in ``RatingsConfig.ready()``)."""

from __future__ import annotations

from pingyi.audit.seals import Verdict
from pingyi.ratings.seals.services import seals_verify


def seals_verdict() -> Verdict:
    """Every sealed day recomputed: the first that changed, or how many days are intact (nothing when none)."""
    seals = seals_verify()
    if not seals.ok:
        day = seals.broken_day.isoformat() if seals.broken_day else "?"
        return Verdict(False, f"ratings seal BROKEN for day {day}: {seals.reason}")
    return Verdict(True, f"ratings: {seals.days} days sealed and intact" if seals.days else "")
