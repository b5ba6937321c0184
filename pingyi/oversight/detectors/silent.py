"""``silent_window``: where citizens' voices should be and are not — a window without scans, a unit without 差评,
a level that stopped moving (failure mode 1 of domain.md §9: an app that silently refused low ratings)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from pingyi.oversight.detectors.base import Context, Finding, ratio
from pingyi.oversight.facts.reading import month_start
from pingyi.oversight.models import AnomalyKind
from pingyi.workdays.days import UnknownYear, is_working_day

LEVEL_NAMES = {1: "非常不满意", 2: "不满意", 3: "基本满意", 4: "满意", 5: "非常满意"}


def _working(day: date) -> bool | None:
    try:
        return is_working_day(day)
    except UnknownYear:
        return None  # a year without a schedule: the day breaks a streak rather than be guessed


def _next_working(day: date, end: date) -> date | None:
    day += timedelta(days=1)
    while day <= end:
        working = _working(day)
        if working is None:
            return None
        if working:
            return day
        day += timedelta(days=1)
    return None


def no_scans(ctx: Context, silent: list[tuple[int, int, date, int]]) -> list[Finding]:
    """Streaks of consecutive working days on which a window served people and got no QR scan.

    A streak fires when it lasts ``silent_days`` working days and the district's scans per record that month
    would have given at least ``silent_min_expected`` scans over the streak's records.
    """
    lim = ctx.limits
    per_window: dict[tuple[int, int], list[tuple[date, int]]] = defaultdict(list)
    for window_id, unit_id, day, n in silent:
        if _working(day):
            per_window[(window_id, unit_id)].append((day, n))
    rate = {m: ratio(ctx.district(m, "qr"), ctx.district(m, "n")) for m in ctx.months}
    best: dict[tuple[int, date], Finding] = {}
    for (window_id, unit_id), days in per_window.items():
        streaks: list[list[tuple[date, int]]] = [[days[0]]]
        for day, n in days[1:]:
            if _next_working(streaks[-1][-1][0], day) == day:
                streaks[-1].append((day, n))
            else:
                streaks.append([(day, n)])
        for streak in streaks:
            month = month_start(streak[0][0])
            records = sum(n for _, n in streak)
            expected = records * rate.get(month, 0.0)
            if len(streak) < lim.silent_days or expected < lim.silent_min_expected:
                continue
            finding = Finding(
                AnomalyKind.SILENT_WINDOW, "no_scans", unit_id, month, len(streak), expected / lim.silent_min_expected,
                f"连续 {len(streak)} 个工作日办件 {records} 件、扫码评价 0 条（按全区扫码率应约 {expected:.0f} 条）",
                {"days": len(streak), "from": streak[0][0].isoformat(), "to": streak[-1][0].isoformat(),
                 "records": records, "expected_scans": round(expected, 1), "district_scan_rate": round(rate[month], 3)},
                window_id=window_id,
            )  # fmt: skip
            if (window_id, month) not in best or best[(window_id, month)].count < finding.count:
                best[(window_id, month)] = finding
    return list(best.values())


def zero_negative(ctx: Context) -> list[Finding]:
    """No 差评 over a sample large enough that the district's own 差评 rate expects several."""
    lim = ctx.limits
    found = []
    for month in ctx.months:
        rate = ratio(ctx.district(month, "neg"), ctx.district(month, "active"))
        for (unit_id, m), v in ctx.unit_months.items():
            if m != month or v.get("neg", 0) or not v.get("active"):
                continue
            expected = v["active"] * rate
            if expected >= lim.zero_negative_expected:
                found.append(
                    Finding(
                        AnomalyKind.SILENT_WINDOW,
                        "zero_negative",
                        unit_id,
                        month,
                        v["active"],
                        expected / lim.zero_negative_expected,
                        f"主动评价 {v['active']} 条、差评 0 条（按全区差评率应约 {expected:.1f} 条）",
                        {
                            "ratings": v["active"],
                            "negative": 0,
                            "district_negative_rate": round(rate, 5),
                            "expected_negative": round(expected, 1),
                        },
                    )  # fmt: skip
                )
    return found


def level_stopped(ctx: Context) -> list[Finding]:
    """A level with no rating this month where the unit's own history expects several."""
    lim = ctx.limits
    found = []
    for (unit_id, month), v in ctx.unit_months.items():
        if month not in ctx.months or not v.get("active"):
            continue
        history = ctx.history(unit_id, month, "active")
        if history < lim.level_stopped_min_history:
            continue
        stopped = []
        for level in range(1, 6):
            if v[f"l{level}"]:
                continue
            expected = v["active"] * ratio(ctx.history(unit_id, month, f"l{level}"), history)
            if expected >= lim.level_stopped_expected:
                stopped.append((level, expected))
        if stopped:
            names = "、".join(LEVEL_NAMES[level] for level, _ in stopped)
            top = max(e for _, e in stopped)
            found.append(
                Finding(
                    AnomalyKind.SILENT_WINDOW,
                    "level_stopped",
                    unit_id,
                    month,
                    v["active"],
                    top / lim.level_stopped_expected,
                    f"“{names}”本月 0 条（按本单位前几个月应约 {top:.0f} 条）",
                    {
                        "ratings": v["active"],
                        "levels": {str(level): round(e, 1) for level, e in stopped},
                        "history_ratings": history,
                    },
                )  # fmt: skip
            )
    return found
