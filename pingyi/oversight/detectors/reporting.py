"""The judgements of records against ratings: aggregated facts in, findings out. Each function is one anomaly
type (docs/oversight.md); ``silent`` holds the silent-window ones.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from datetime import date
from typing import Any

from pingyi.oversight.detectors.base import Context, Finding, ratio
from pingyi.oversight.facts.reading import Key
from pingyi.oversight.models import AnomalyKind


def _z(p1: float, n1: int, p2: float, n2: int) -> float:
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return (p1 - p2) / se if se else 0.0


class _Peers:
    """The ratios of a group of units, sorted once: the median of the others of one member in O(log n)."""

    def __init__(self, values: list[float]) -> None:
        self.values = sorted(values)
        self.size = len(self.values)

    def median_without(self, value: float) -> float:
        skip = bisect_left(self.values, value)

        def at(j: int) -> float:  # the j-th of the others
            return self.values[j] if j < skip else self.values[j + 1]

        rest = self.size - 1
        mid = rest // 2
        return at(mid) if rest % 2 else (at(mid - 1) + at(mid)) / 2


# -------------------------------------------------------------------------------------------------- under_reporting
def under_reporting(ctx: Context) -> list[Finding]:
    """Citizens' own signals (QR scans, hotline) against entered records, vs the unit's history and its peers."""
    lim = ctx.limits
    found = []
    for month in ctx.months:
        ratios: dict[int, float] = {}
        for (unit_id, m), v in ctx.unit_months.items():
            if m == month and v.get("unlinked", 0) >= lim.under_min_signals:
                ratios[unit_id] = v["n"] / v["unlinked"]
        by_hall: dict[int | None, list[int]] = defaultdict(list)
        for unit_id in ratios:
            by_hall[ctx.unit_hall.get(unit_id)].append(unit_id)
        everyone = _Peers([ratios[u] for u in ratios])
        halls = {hall: _Peers([ratios[u] for u in members]) for hall, members in by_hall.items()}
        for unit_id in ratios:
            v = ctx.row(unit_id, month)
            signals, records = v["unlinked"], v["n"]
            peers = halls[ctx.unit_hall.get(unit_id)]
            if peers.size - 1 < lim.peer_min_units:
                peers = everyone
            if peers.size - 1 < lim.peer_min_units:
                continue
            peer = peers.median_without(ratios[unit_id])
            own_signals = ctx.history(unit_id, month, "unlinked")
            own = (
                ctx.history(unit_id, month, "n") / own_signals
                if own_signals >= lim.under_min_signals
                else None
            )
            baseline = min(peer, own) if own is not None else peer
            expected = signals * baseline
            if records >= lim.under_ratio * expected or expected - records < lim.under_min_missing:
                continue
            found.append(
                Finding(
                    AnomalyKind.UNDER_REPORTING,
                    "records",
                    unit_id,
                    month,
                    count=round(expected - records),
                    score=min(99.0, expected / (records + 1)),
                    summary=f"扫码/热线评价 {signals} 条，录入办件仅 {records} 件（按历史与同类单位应约 {expected:.0f} 件）",
                    evidence={
                        "records": records,
                        "signals": signals,
                        "hotline": v["hotline"],
                        "qr": v["qr"],
                        "expected": round(expected, 1),
                        "peer_ratio": round(peer, 2),
                        "own_ratio": round(own, 2) if own is not None else None,
                        "peers": peers.size - 1,
                    },
                )  # fmt: skip
            )
    return found


# ---------------------------------------------------------------------------------------------- selective_reporting
def selective_reporting(ctx: Context, phones: list[tuple[int, str, date, int, int]]) -> list[Finding]:
    """Record-linked ratings far happier than the unit's QR scans; or records on a handful of phones."""
    lim = ctx.limits
    per_unit: dict[Key, list[int]] = defaultdict(list)
    for unit_id, _, month, n, _ in phones:
        per_unit[(unit_id, month)].append(n)
    found = []
    for (unit_id, month), v in ctx.unit_months.items():
        if month not in ctx.months:
            continue
        evidence: dict[str, Any] = {}
        score, count, parts = 0.0, 0, []
        nl, nq = v.get("linked", 0), v.get("qr", 0)
        if nl >= lim.selective_min_sample and nq >= lim.selective_min_sample:
            pl, pq = ratio(v["linked_top"], nl), ratio(v["qr_top"], nq)
            z = _z(pl, nl, pq, nq)
            if pl - pq >= lim.selective_gap and z >= lim.selective_z:
                score += z / lim.selective_z
                count += nl
                parts.append(f"办件关联评价“非常满意”占 {pl:.0%}，扫码评价仅 {pq:.0%}")
                evidence.update(
                    linked=nl, linked_top_share=round(pl, 3), qr=nq, qr_top_share=round(pq, 3), z=round(z, 1)
                )
        repeats = sorted(per_unit.get((unit_id, month), []), reverse=True)[:5]
        with_phone = v.get("n", 0)
        if with_phone >= lim.concentration_min_phones and repeats:
            share = sum(repeats) / with_phone
            if share >= lim.concentration_share:
                score += share / lim.concentration_share
                count += sum(repeats)
                parts.append(f"前5个号码占录入办件 {share:.0%}")
                evidence.update(top5_phone_records=repeats, records=with_phone, top5_share=round(share, 3))
        if parts:
            found.append(
                Finding(
                    AnomalyKind.SELECTIVE_REPORTING,
                    "ratings",
                    unit_id,
                    month,
                    count,
                    score,
                    "；".join(parts),
                    evidence,
                )
            )
    return found


# -------------------------------------------------------------------------------------------------- false_reporting
def false_reporting(
    ctx: Context, phones: list[tuple[int, str, date, int, int]], bursts: list[tuple[int, int, date, int]]
) -> list[Finding]:
    """Records that look made up: staff phones, one phone everywhere, outside office hours, bursts."""
    lim = ctx.limits
    many: dict[Key, list[int]] = defaultdict(list)
    for unit_id, _, month, n, units in phones:
        if n >= lim.phone_many_records or units >= lim.phone_many_units:
            many[(unit_id, month)].append(n)
    burst: dict[Key, list[int]] = defaultdict(list)
    for unit_id, _, month, n in bursts:
        burst[(unit_id, month)].append(n)
    found = []
    for (unit_id, month), v in ctx.unit_months.items():
        if month not in ctx.months or not v.get("n"):
            continue
        parts: list[str] = []
        evidence: dict[str, Any] = {"records": v["n"]}
        score, count = 0.0, 0
        if v["staff_phone"] >= lim.staff_phone_records:
            parts.append(f"{v['staff_phone']} 件办件留的是工作人员电话")
            score += v["staff_phone"] / lim.staff_phone_records
            count += v["staff_phone"]
            evidence["staff_phone_records"] = v["staff_phone"]
        repeated = sum(many.get((unit_id, month), []))
        if repeated >= lim.phone_many_share * v["n"] and repeated >= lim.phone_many_records:
            n = repeated
            parts.append(f"{len(many[(unit_id, month)])} 个号码重复出现在 {n} 件办件")
            score += n / lim.phone_many_records
            count += n
            evidence["repeated_phones"] = sorted(many[(unit_id, month)], reverse=True)[:10]
        if v["outside"] >= lim.outside_hours_records and v["outside"] >= lim.outside_hours_share * v["n"]:
            parts.append(f"{v['outside']} 件办件在窗口办公时间之外")
            score += v["outside"] / v["n"] / lim.outside_hours_share
            count += v["outside"]
            evidence["outside_hours_records"] = v["outside"]
        if burst.get((unit_id, month)):
            n = sum(burst[(unit_id, month)])
            parts.append(f"{len(burst[(unit_id, month)])} 次10分钟内集中录入（共 {n} 件）")
            score += n / lim.burst_records
            count += n
            evidence["bursts"] = sorted(burst[(unit_id, month)], reverse=True)[:10]
        if parts:
            found.append(
                Finding(
                    AnomalyKind.FALSE_REPORTING,
                    "records",
                    unit_id,
                    month,
                    count,
                    score,
                    "；".join(parts),
                    evidence,
                )
            )
    return found


# ----------------------------------------------------------------------------------------------------- rating_fraud
def rating_fraud(ctx: Context, devices: list[tuple[int, date, int, int]]) -> list[Finding]:
    """Ratings by the rated: staff phones and devices, bursts, one device giving the top level again and again."""
    lim = ctx.limits
    streaks: dict[Key, list[int]] = defaultdict(list)
    for unit_id, month, n, top in devices:
        if top >= lim.fraud_device_top_share * n:
            streaks[(unit_id, month)].append(n)
    found = []
    for (unit_id, month), v in ctx.unit_months.items():
        if month not in ctx.months:
            continue
        parts: list[str] = []
        evidence: dict[str, Any] = {"ratings": v.get("active", 0)}
        score, count = 0.0, 0
        staff = v.get("staff_phone_r", 0) + v.get("staff_device", 0)
        if staff >= lim.fraud_staff_ratings:
            parts.append(f"{staff} 条评价来自工作人员的手机号或设备")
            score += staff / lim.fraud_staff_ratings
            count += staff
            evidence.update(staff_phone_ratings=v["staff_phone_r"], staff_device_ratings=v["staff_device"])
        if v.get("burst_flag", 0) >= lim.fraud_burst_flags:
            parts.append(f"{v['burst_flag']} 条评价被标记为同一设备短时集中评价")
            score += v["burst_flag"] / lim.fraud_burst_flags
            count += v["burst_flag"]
            evidence["burst_flagged"] = v["burst_flag"]
        if streaks.get((unit_id, month)):
            n = sum(streaks[(unit_id, month)])
            parts.append(f"{len(streaks[(unit_id, month)])} 台设备共给出 {n} 条几乎全是最高等级的评价")
            score += n / lim.fraud_device_ratings
            count += n
            evidence["device_streaks"] = sorted(streaks[(unit_id, month)], reverse=True)[:10]
        if parts:
            found.append(
                Finding(
                    AnomalyKind.RATING_FRAUD,
                    "ratings",
                    unit_id,
                    month,
                    count,
                    score,
                    "；".join(parts),
                    evidence,
                )
            )
    return found


# ------------------------------------------------------------------------------------------------------- phone_swap
def phone_swap(ctx: Context, swaps: list[tuple[int, date, int, int]]) -> list[Finding]:
    lim = ctx.limits
    found = []
    for unit_id, month, differs, staff in swaps:
        total = differs + staff
        if month in ctx.months and total >= lim.phone_swap_ratings:
            found.append(
                Finding(
                    AnomalyKind.PHONE_SWAP,
                    "callback",
                    unit_id,
                    month,
                    total,
                    total / lim.phone_swap_ratings,
                    f"{differs} 条回访评价的号码与办件登记号码不同，{staff} 条来自工作人员号码",
                    {"differs_from_record": differs, "staff_phone": staff},
                )  # fmt: skip
            )
    return found


# ------------------------------------------------------------------------------------------------------- late_entry
def late_entry(ctx: Context, late: list[tuple[int, date, int]]) -> list[Finding]:
    lim = ctx.limits
    return [
        Finding(
            AnomalyKind.LATE_ENTRY,
            "records",
            unit_id,
            month,
            n,
            1.0 + n / max(1, lim.late_entry_records),
            f"{n} 件办件在群众投诉之后才补录",
            {
                "records": n,
                "lag_hours": lim.late_entry_lag_hours,
                "lookback_days": lim.late_entry_lookback_days,
            },
        )  # fmt: skip
        for unit_id, month, n in late
        if month in ctx.months and n >= lim.late_entry_records
    ]
