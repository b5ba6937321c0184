"""What every judgement shares: a finding (one anomaly type, one unit or window, one calendar month) and the
context of aggregated facts the judgements read.

Findings are per unit (a window for ``silent_window``'s missing scans) and calendar month, so that a nightly
month-to-date run and a later full-month run update the same anomaly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pingyi.oversight.facts.reading import Facts, Key, add_months
from pingyi.oversight.thresholds import Thresholds


@dataclass
class Finding:
    kind: str
    sub: str
    unit_id: int
    month: date
    count: int  # the size of the evidence; a dismissed anomaly reopens only when it grows
    score: float
    summary: str
    evidence: dict[str, Any] = field(default_factory=dict)
    window_id: int | None = None

    @property
    def key(self) -> str:
        scope = f"w{self.window_id}" if self.window_id else f"u{self.unit_id}"
        return f"{self.kind}:{self.sub}:{scope}:{self.month:%Y-%m}"


@dataclass
class Context:
    facts: Facts
    limits: Thresholds
    months: list[date]
    unit_months: dict[Key, dict[str, int]]
    unit_hall: dict[int, int]
    unit_names: dict[int, str]

    def row(self, unit_id: int, month: date) -> dict[str, int]:
        return self.unit_months.get((unit_id, month), {})

    def history(self, unit_id: int, month: date, column: str) -> int:
        return sum(
            self.row(unit_id, add_months(month, -n)).get(column, 0)
            for n in range(1, self.limits.history_months + 1)
        )

    def district(self, month: date, column: str) -> int:
        return sum(v.get(column, 0) for (_, m), v in self.unit_months.items() if m == month)


def ratio(part: int, whole: int) -> float:
    """part ÷ whole, 0 for an empty whole."""
    return part / whole if whole else 0.0
