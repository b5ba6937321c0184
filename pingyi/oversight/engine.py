"""The comparison engine: facts → findings → anomalies (idempotent per type, scope and month).

``detect`` is read-only; ``store`` turns findings into Anomaly rows: a new key is created, a known one gets the
fresh evidence; a dismissed one stays dismissed unless its evidence count grew by ``reopen_growth`` since the
dismissal, and a confirmed one keeps its status. Both run inside the caller's transaction (services.comparison_run).
"""

from __future__ import annotations

from calendar import monthrange
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from time import monotonic
from typing import Any

from django.utils import timezone

from pingyi.catalog.models import Unit
from pingyi.oversight.detectors import base, reporting, silent
from pingyi.oversight.facts.reading import Facts, month_start, months_of
from pingyi.oversight.models import Anomaly, AnomalyKind, ComparisonRun
from pingyi.oversight.thresholds import Thresholds


def detect(
    district_id: int,
    start: date,
    end: date,
    limits: Thresholds,
    timings: dict[str, float] | None = None,
    recounted: dict[str, int] | None = None,
) -> list[base.Finding]:
    """The findings of the period; ``timings`` (if given) receives the seconds each phase took, ``recounted`` the
    days (and windows) whose facts were recounted first."""
    facts = Facts(district_id, start, end, limits)
    clock = _Clock(timings if timings is not None else {})
    with clock("facts"):
        done = facts.build()
    if recounted is not None:
        recounted.update(done)
    with clock("staff"):
        facts.staffed()
    units = list(Unit.objects.filter(district_id=district_id).values_list("id", "hall_id", "name"))
    with clock("unit_months"):
        unit_months = facts.unit_months()
    ctx = base.Context(
        facts=facts,
        limits=limits,
        months=months_of(start, end),
        unit_months=unit_months,
        unit_hall={u: h for u, h, _ in units},
        unit_names={u: n for u, _, n in units},
    )
    with clock("phones"):
        phones = facts.phones({key: v["n"] for key, v in unit_months.items()})
    with clock("bursts"):
        bursts = facts.bursts()
    with clock("devices"):
        devices = facts.devices()
    with clock("swaps"):
        swaps = facts.swaps()
    with clock("silent_days"):
        silent_days = facts.silent_days()
    with clock("late_entries"):
        late = facts.late_entries()
    with clock("judgements"):
        findings = [
            *reporting.under_reporting(ctx),
            *reporting.selective_reporting(ctx, phones),
            *reporting.false_reporting(ctx, phones, bursts),
            *reporting.rating_fraud(ctx, devices),
            *reporting.phone_swap(ctx, swaps),
            *silent.no_scans(ctx, silent_days),
            *silent.zero_negative(ctx),
            *silent.level_stopped(ctx),
            *reporting.late_entry(ctx, late),
        ]
    with clock("daily"):
        _add_daily(facts, findings)
    return findings


class _Clock:
    def __init__(self, into: dict[str, float]) -> None:
        self.into = into

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        began = monotonic()
        yield
        self.into[name] = round(monotonic() - began, 3)


def _add_daily(facts: Facts, findings: list[base.Finding]) -> None:
    """The day-by-day series for the one-screen evidence: the unit's records and ratings not tied to a record, or
    for a window finding the window's records and QR scans over the finding's days."""
    units = facts.daily(sorted({f.unit_id for f in findings if not f.window_id}))
    windows = facts.daily_windows(sorted({f.window_id for f in findings if f.window_id}))
    for finding in findings:
        first = finding.month
        last = date(first.year, first.month, monthrange(first.year, first.month)[1])
        series = units.get(finding.unit_id, {})
        if finding.window_id:
            series = windows.get(finding.window_id, {})
            first = date.fromisoformat(finding.evidence.get("from", first.isoformat()))
            last = date.fromisoformat(finding.evidence.get("to", last.isoformat()))
        finding.evidence["daily"] = [
            [day.isoformat(), records, signals]
            for day, (records, signals) in sorted(series.items())
            if first <= day <= last
        ]
        finding.evidence["daily_of"] = "window" if finding.window_id else "unit"


def store(
    findings: list[base.Finding],
    *,
    district_id: int,
    start: date,
    end: date,
    run: ComparisonRun,
    limits: Thresholds,
) -> dict[str, Any]:
    """Create or refresh the anomalies; returns counts per type (found, new, reopened)."""
    now = timezone.now()
    existing = {a.key: a for a in Anomaly.objects.filter(key__in=[f.key for f in findings])}
    created, updated, reopened = [], [], []
    for f in findings:
        last_day = date(f.month.year, f.month.month, monthrange(f.month.year, f.month.month)[1])
        values: dict[str, Any] = {
            "score": round(f.score, 3),
            "summary": f.summary[:300],
            "evidence": {**f.evidence, "count": f.count, "sub": f.sub},
            "period_start": max(f.month, start),
            # a silent streak runs on past its first month: its period is the streak
            "period_end": min(date.fromisoformat(f.evidence["to"]) if "to" in f.evidence else last_day, end),
            "last_found_at": now,
            "last_run": run,
        }
        anomaly = existing.get(f.key)
        if anomaly is None:
            created.append(
                Anomaly(
                    key=f.key,
                    kind=f.kind,
                    district_id=district_id,
                    unit_id=f.unit_id,
                    window_id=f.window_id,
                    **values,
                )
            )
            continue
        if anomaly.status == Anomaly.Status.DISMISSED:
            grown = (anomaly.dismissed_count or 0) * (1 + limits.reopen_growth)
            if f.count <= grown:
                continue  # no new evidence: the dismissal stands and its evidence stays as judged
            anomaly.status = Anomaly.Status.OPEN
            anomaly.status_note = f"排除后证据由 {anomaly.dismissed_count} 增至 {f.count}，重新打开"
            reopened.append(anomaly)
        if anomaly.period_start < values["period_start"]:
            values["period_start"] = anomaly.period_start
        for name, value in values.items():
            setattr(anomaly, name, value)
        updated.append(anomaly)
    Anomaly.objects.bulk_create(created, batch_size=500)
    Anomaly.objects.bulk_update(
        updated,
        [
            "score",
            "summary",
            "evidence",
            "period_start",
            "period_end",
            "last_found_at",
            "last_run",
            "status",
            "status_note",
        ],
        batch_size=500,
    )
    # An open finding of a fully compared month that this run no longer finds (records entered since, say) is kept
    # for the record but marked and ranked last; a person's decision (any other status) is left alone.
    stale = (
        Anomaly.objects.filter(
            district_id=district_id, status=Anomaly.Status.OPEN, period_start__gte=month_start(start)
        )
        .filter(period_end__lte=end)
        .exclude(key__in=[f.key for f in findings])
        .exclude(last_run=run)
    )
    withdrawn = stale.update(score=0, status_note=f"比对运行 #{run.pk} 未再发现（{start}—{end}）")
    counts: dict[str, Any] = {k.value: {"found": 0, "new": 0} for k in AnomalyKind}
    for kind, n in Counter(f.kind for f in findings).items():
        counts[kind]["found"] = n
    for kind, n in Counter(a.kind for a in created).items():
        counts[kind]["new"] = n
    counts["reopened"] = [a.pk for a in reopened]
    counts["withdrawn"] = withdrawn
    return counts
