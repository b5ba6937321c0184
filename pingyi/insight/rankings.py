"""Rankings: units and windows by satisfaction with month-on-month change, the weekly 十差, the composite score.

Every figure comes from ``metrics`` (the cubes). A unit or window is ranked when it has at least
``PINGYI_RANKING_MIN_SAMPLE`` active ratings in the month; the others are listed after the ranked ones, unranked,
so a window with two ratings cannot top the list by luck.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings

from pingyi.insight import metrics
from pingyi.insight.metrics import Period, Scope, Summary
from pingyi.lib.scales import Channel

SMS_QR = (Channel.SMS.value, Channel.QR.value)
PUBLIC_LINES = (Channel.MESSAGE_BOARD.value, Channel.MAYOR_LINE.value, Channel.HOTLINE.value)


@dataclass
class RankRow:
    rank: int | None  # None: too few ratings to rank
    key: Any
    label: str
    summary: Summary
    score: float | None
    previous_score: float | None = None
    change: float | None = None
    previous_rank: int | None = None
    parts: dict[str, float | None] = field(default_factory=dict)


def month_bounds(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return first, nxt - timedelta(days=1)


def previous_month(month: date) -> date:
    return (month.replace(day=1) - timedelta(days=1)).replace(day=1)


def min_sample() -> int:
    return int(getattr(settings, "PINGYI_RANKING_MIN_SAMPLE", 30))


def _pct(value: float | None) -> float | None:
    return round(100 * value, 2) if value is not None else None


def rank_rows(rows: list[RankRow]) -> list[RankRow]:
    """Sort by score (then sample) and number the rows that have enough ratings; ties share a rank."""
    floor = min_sample()
    eligible: list[RankRow] = []
    others: list[RankRow] = []
    for row in rows:  # one pass: a membership test per row was quadratic (a province has ten thousand units)
        (eligible if row.score is not None and row.summary.active >= floor else others).append(row)
    eligible.sort(key=lambda r: (-(r.score or 0), -r.summary.active, r.label))
    previous: tuple[float | None, int] | None = None
    for index, row in enumerate(eligible, start=1):
        row.rank = previous[1] if previous and previous[0] == row.score else index
        previous = (row.score, row.rank)
    others.sort(key=lambda r: (-r.summary.active, r.label))
    for row in others:
        row.rank = None
    return eligible + others


def _satisfaction_rows(district_id: int, month: date, by: str) -> list[RankRow]:
    first, last = month_bounds(month)
    rows = metrics.breakdown(Scope(district_id), Period(first, last), by)
    return rank_rows(
        [
            RankRow(None, r.key, r.label, r.summary, _pct(r.summary.satisfaction))
            for r in rows
            if r.key is not None
        ]
    )


def _with_previous(current: list[RankRow], previous: list[RankRow]) -> list[RankRow]:
    before = {r.key: r for r in previous}
    for row in current:
        old = before.get(row.key)
        if old is None:
            continue
        row.previous_score, row.previous_rank = old.score, old.rank
        if row.score is not None and old.score is not None:
            row.change = round(row.score - old.score, 2)
    return current


def unit_ranking(district_id: int, month: date) -> list[RankRow]:
    """Units by satisfaction in the month (percent), with last month's score and rank beside."""
    return _with_previous(
        _satisfaction_rows(district_id, month, "unit"),
        _satisfaction_rows(district_id, previous_month(month), "unit"),
    )


def window_ranking(district_id: int, month: date) -> list[RankRow]:
    return _with_previous(
        _satisfaction_rows(district_id, month, "window"),
        _satisfaction_rows(district_id, previous_month(month), "window"),
    )


def _negatives(district_id: int, first: date, last: date) -> dict[Any, metrics.Row]:
    return {r.key: r for r in metrics.breakdown(Scope(district_id), Period(first, last), "unit") if r.key}


def shicha(district_id: int, week_start: date) -> list[RankRow]:
    """十差: the ten units with the most 差评 in the week (Monday..Sunday), with the week before beside."""
    week_start = week_start - timedelta(days=week_start.weekday())
    now = _negatives(district_id, week_start, week_start + timedelta(days=6))
    before = _negatives(district_id, week_start - timedelta(days=7), week_start - timedelta(days=1))
    rows = [
        RankRow(None, key, row.label, row.summary, float(row.summary.negative))
        for key, row in now.items()
        if row.summary.negative
    ]
    rows.sort(key=lambda r: (-(r.score or 0), r.label))
    for index, row in enumerate(rows[:10], start=1):
        row.rank = index
        old = before.get(row.key)
        row.previous_score = float(old.summary.negative) if old else 0.0
        row.change = (row.score or 0) - row.previous_score
    return rows[:10]


def weights() -> dict[str, float]:
    default = {"sms_qr": 40.0, "public_lines": 20.0, "review": 40.0}
    return {**default, **getattr(settings, "PINGYI_COMPOSITE_WEIGHTS", {})}


def composite(district_id: int, month: date) -> list[RankRow]:
    """Wuhan's composite score (weights are settings): satisfaction by SMS and QR, by the message board and the
    mayor's line (and 12345), and the unit's handling of its tickets: of the month's tickets whose outcome is known
    (closed, or open past a deadline), the share closed on time — a ticket still open within its deadline waits.
    A part without data leaves the score, and the other parts' weights are scaled up to 100."""
    first, last = month_bounds(month)
    scope = Scope(district_id)
    sms_qr = {r.key: r for r in metrics.breakdown(scope, Period(first, last, channels=SMS_QR), "unit")}
    lines = {r.key: r for r in metrics.breakdown(scope, Period(first, last, channels=PUBLIC_LINES), "unit")}
    everything = {r.key: r for r in metrics.breakdown(scope, Period(first, last), "unit") if r.key}
    tickets_by_unit = metrics.ticket_summary_by_unit(scope, Period(first, last))
    w = weights()
    rows = []
    for key, row in everything.items():
        tickets = tickets_by_unit.get(key, metrics.TicketSummary())
        parts = {
            "sms_qr": _pct(sms_qr[key].summary.satisfaction) if key in sms_qr else None,
            "public_lines": _pct(lines[key].summary.satisfaction) if key in lines else None,
            "review": _pct(tickets.closed_on_time / decided)
            if (decided := tickets.closed + tickets.overdue)
            else None,
        }
        present = {name: value for name, value in parts.items() if value is not None}
        total = sum(w[name] for name in present)
        score = round(sum(w[name] * value for name, value in present.items()) / total, 2) if total else None
        rows.append(RankRow(None, key, row.label, row.summary, score, parts=parts))
    return rank_rows(rows)
