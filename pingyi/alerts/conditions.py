"""The four alert conditions, each a few grouped queries over one district (no per-rating work in Python).

Each check receives the district's rules of its kind and returns the subjects whose condition holds now, with the
evidence numbers. A subject is judged by its governing rule (``Rules``): the window's rule, else its unit's, else
the district's; a disabled governing rule judges nothing. Rules with different parameters (hours, working days)
get one query per distinct value. docs/alerts.md defines every condition precisely.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Max, Q, QuerySet, Value, When
from django.utils import timezone

from pingyi.alerts.models import AlertKind, AlertRule
from pingyi.catalog.models import Unit, Window
from pingyi.ledger.models import ServiceRecord
from pingyi.lib import scales
from pingyi.ratings.models import Rating
from pingyi.ratings.selectors import deployment_scale
from pingyi.tickets.choices import State
from pingyi.tickets.models import Ticket, overdue_q
from pingyi.workdays.days import is_working_day


@dataclass
class Rules:
    """The rules of one kind in one district, by scope."""

    district: AlertRule | None = None
    units: dict[int, AlertRule] = field(default_factory=dict)
    windows: dict[int, AlertRule] = field(default_factory=dict)

    @classmethod
    def of(cls, rules: Iterable[AlertRule]) -> Rules:
        result = cls()
        for rule in rules:
            if rule.window_id:
                result.windows[rule.window_id] = rule
            elif rule.unit_id:
                result.units[rule.unit_id] = rule
            else:
                result.district = rule
        return result

    def all(self) -> list[AlertRule]:
        head = [self.district] if self.district else []
        return head + list(self.units.values()) + list(self.windows.values())

    def enabled(self) -> list[AlertRule]:
        return [rule for rule in self.all() if rule.enabled]

    def _on(self, rule: AlertRule | None) -> AlertRule | None:
        return rule if rule is not None and rule.enabled else None

    def for_district(self) -> AlertRule | None:
        return self._on(self.district)

    def for_unit(self, unit_id: int) -> AlertRule | None:
        return self._on(self.units.get(unit_id, self.district))

    def for_window(self, window_id: int | None, unit_id: int) -> AlertRule | None:
        if window_id is not None and window_id in self.windows:
            return self._on(self.windows[window_id])
        return self.for_unit(unit_id)


@dataclass(frozen=True)
class Hit:
    """A subject whose condition holds under ``rule``."""

    rule: AlertRule
    subject_key: str
    summary: str
    evidence: dict[str, Any]
    unit_id: int | None = None
    window_id: int | None = None
    ticket_id: int | None = None
    level: int | None = None


# ---------------------------------------------------------------------------------------------------- helpers
def _scope(rules: list[AlertRule]) -> Q:
    """Rows of the scopes of these rules (everything when one of them is the district's)."""
    if any(rule.unit_id is None and rule.window_id is None for rule in rules):
        return Q()
    units = {rule.unit_id for rule in rules if rule.unit_id and not rule.window_id}
    windows = {rule.window_id for rule in rules if rule.window_id}
    return Q(unit_id__in=units) | Q(window_id__in=windows)


def _groups(rules: list[AlertRule], key: Callable[[AlertRule], Any]) -> dict[Any, list[AlertRule]]:
    grouped: dict[Any, list[AlertRule]] = defaultdict(list)
    for rule in rules:
        grouped[key(rule)].append(rule)
    return grouped


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def working_day_back(day: date, n: int) -> date:
    """The n-th working day before ``day`` (``day`` itself does not count). Raises ``UnknownYear``."""
    while n:
        day -= timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def span_start(now: datetime, working_days: int) -> datetime:
    """The start of the span "the last N working days": midnight of the N-th working day before today, so the span
    holds N whole working days and today so far."""
    return _midnight(working_day_back(timezone.localtime(now).date(), working_days))


def _names(unit_ids: Iterable[int], window_ids: Iterable[int]) -> tuple[dict[int, str], dict[int, str]]:
    units = dict(Unit.objects.filter(pk__in=set(unit_ids)).values_list("pk", "name"))
    windows = {
        w.pk: f"{w.unit.name} {w}"
        for w in Window.objects.filter(pk__in=set(window_ids)).select_related("unit")
    }
    return units, windows


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="minutes")


# -------------------------------------------------------------------------------------------- negative_share
def negative_share(district_id: int, rules: Rules, now: datetime) -> list[Hit]:
    """Per unit and per window: 差评 (not revoked) ≥ ``percent`` % of ≥ ``min_ratings`` active ratings in the last
    ``hours`` hours."""
    found: list[tuple[AlertRule, int, int | None, int, int, datetime]] = []
    for hours, group in _groups(rules.enabled(), lambda r: r.hours).items():
        start = now - timedelta(hours=hours)
        base = (
            Rating.objects.filter(
                district_id=district_id, is_default=False, rated_at__gte=start, rated_at__lt=now
            )
            .filter(_scope(group))
            .exclude(ticket__revoked=True)
            .order_by()
        )
        negative = Count("id", filter=Q(negative=True))
        for row in base.values("unit_id").annotate(n=Count("id"), neg=negative):
            rule = rules.for_unit(row["unit_id"])
            if rule is not None and rule.hours == hours:
                found.append((rule, row["unit_id"], None, row["n"], row["neg"], start))
        by_window = base.filter(window_id__isnull=False).values("unit_id", "window_id")
        for row in by_window.annotate(n=Count("id"), neg=negative):
            rule = rules.for_window(row["window_id"], row["unit_id"])
            if rule is not None and rule.hours == hours:
                found.append((rule, row["unit_id"], row["window_id"], row["n"], row["neg"], start))
    hits = [f for f in found if f[3] >= (f[0].min_ratings or 1) and f[4] * 100 >= (f[0].percent or 0) * f[3]]
    unit_names, window_names = _names((h[1] for h in hits), (h[2] for h in hits if h[2]))
    result = []
    for rule, unit_id, window_id, n, neg, start in hits:
        share = 100 * neg / n
        name = window_names[window_id] if window_id else unit_names[unit_id]
        result.append(
            Hit(
                rule,
                f"window:{window_id}" if window_id else f"unit:{unit_id}",
                f"{name}：近 {rule.hours} 小时主动评价 {n} 条、差评 {neg} 条（{share:.1f}%），"
                f"达到 {rule.percent:g}% 的阈值",
                {
                    "ratings": n,
                    "negative": neg,
                    "share": round(share, 1),
                    "percent": rule.percent,
                    "hours": rule.hours,
                    "min_ratings": rule.min_ratings,
                    "from": _local(start),
                    "to": _local(now),
                },
                unit_id=unit_id,
                window_id=window_id,
            )  # fmt: skip
        )
    return result


# --------------------------------------------------------------------------------------------- silent_window
def silent_window(district_id: int, rules: Rules, now: datetime) -> list[Hit]:
    """Per window: ≥ ``min_records`` service records and no active rating since the start of the span of the last
    ``working_days`` working days."""
    hits: list[Hit] = []
    for days, group in _groups(rules.enabled(), lambda r: r.working_days).items():
        start = span_start(now, days)
        records = (
            ServiceRecord.objects.filter(
                district_id=district_id, window_id__isnull=False, received_at__gte=start, received_at__lt=now
            )
            .filter(_scope(group))
            .order_by()
            .values("unit_id", "window_id")
            .annotate(n=Count("id"))
        )
        candidates: dict[int, tuple[AlertRule, int, int]] = {}
        for row in records:
            rule = rules.for_window(row["window_id"], row["unit_id"])
            if rule is not None and rule.working_days == days and row["n"] >= (rule.min_records or 1):
                candidates[row["window_id"]] = (rule, row["unit_id"], row["n"])
        if not candidates:
            continue
        rated = set(
            Rating.objects.filter(
                window_id__in=candidates, is_default=False, rated_at__gte=start, rated_at__lt=now
            )
            .values_list("window_id", flat=True)
            .distinct()
        )
        silent = {w: c for w, c in candidates.items() if w not in rated}
        last = dict(
            Rating.objects.filter(window_id__in=silent, is_default=False, rated_at__lt=start)
            .order_by()
            .values("window_id")
            .annotate(last=Max("rated_at"))
            .values_list("window_id", "last")
        )
        _, window_names = _names((), silent)
        for window_id, (rule, unit_id, n) in silent.items():
            before = last.get(window_id)
            hits.append(
                Hit(
                    rule,
                    f"window:{window_id}",
                    f"{window_names[window_id]}：近 {days} 个工作日（自 {timezone.localtime(start):%m-%d}）"
                    f"办件 {n} 件、评价 0 条",
                    {
                        "records": n,
                        "ratings": 0,
                        "working_days": days,
                        "min_records": rule.min_records,
                        "from": _local(start),
                        "to": _local(now),
                        "last_rating_at": _local(before) if before else "",
                    },
                    unit_id=unit_id,
                    window_id=window_id,
                )  # fmt: skip
            )
    return hits


# --------------------------------------------------------------------------------------------- stalled_level
def _level_expr(scale: scales.Scale) -> Any:
    """The level on the deployment scale, computed in SQL from the five-level value."""
    if scale == scales.Scale.FIVE:
        return F("level5")
    return Case(
        When(level5=5, then=Value(3)),
        When(level5__in=[3, 4], then=Value(2)),
        default=Value(1),
        output_field=IntegerField(),
    )


@dataclass
class _Tally:
    span: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    history: dict[int, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, level: int, span: int, history: int) -> None:
        self.span[level] += span
        self.history[level] += history


def stalled_level(district_id: int, rules: Rules, now: datetime) -> list[Hit]:
    """Per district, unit and window, per level L: no active rating at L in the last ``working_days`` working days,
    while the ratings at the other levels in that span, at L's share over the ``history_working_days`` working days
    before it, expected at least ``min_expected`` at L."""
    scale = deployment_scale()
    hits: list[Hit] = []
    for (days, history_days), group in _groups(
        rules.enabled(), lambda r: (r.working_days, r.history_working_days)
    ).items():
        start = span_start(now, days)
        history_start = _midnight(working_day_back(timezone.localtime(start).date(), history_days))
        rows = (
            Rating.objects.filter(
                district_id=district_id, is_default=False, rated_at__gte=history_start, rated_at__lt=now
            )
            .filter(_scope(group))
            .order_by()
            .annotate(lvl=_level_expr(scale))
            .values("unit_id", "window_id", "lvl")
            .annotate(
                span=Count("id", filter=Q(rated_at__gte=start)),
                history=Count("id", filter=Q(rated_at__lt=start)),
            )
        )
        tallies: dict[tuple[str, int], _Tally] = defaultdict(_Tally)
        governing: dict[tuple[str, int], AlertRule | None] = {}
        for row in rows:
            subjects = [("district", district_id), ("unit", row["unit_id"])]
            governing[("district", district_id)] = rules.for_district()
            governing[("unit", row["unit_id"])] = rules.for_unit(row["unit_id"])
            if row["window_id"] is not None:
                subjects.append(("window", row["window_id"]))
                governing[("window", row["window_id"])] = rules.for_window(row["window_id"], row["unit_id"])
            for subject in subjects:
                tallies[subject].add(row["lvl"], row["span"], row["history"])
        found = []
        for subject, tally in tallies.items():
            rule = governing[subject]
            if rule is None or (rule.working_days, rule.history_working_days) != (days, history_days):
                continue
            span_total, history_total = sum(tally.span.values()), sum(tally.history.values())
            for level, in_history in sorted(tally.history.items()):
                expected = span_total * in_history / history_total if history_total else 0.0
                if tally.span[level] == 0 and expected >= (rule.min_expected or 0) and expected > 0:
                    found.append((rule, subject, level, span_total, history_total, in_history, expected))
        hits.extend(_stalled_hits(found, district_id, scale, start, history_start, now))
    return hits


def _stalled_hits(
    found: list[Any],
    district_id: int,
    scale: scales.Scale,
    start: datetime,
    history_start: datetime,
    now: datetime,
) -> list[Hit]:
    unit_ids = [s[1] for _, s, *_ in found if s[0] == "unit"]
    window_ids = [s[1] for _, s, *_ in found if s[0] == "window"]
    unit_names, window_names = _names(unit_ids, window_ids)
    window_units = dict(Window.objects.filter(pk__in=window_ids).values_list("pk", "unit_id"))
    hits = []
    for rule, (what, pk), level, span_total, history_total, in_history, expected in found:
        label = scales.level(scale, level).label
        name = {"district": "全区", "unit": unit_names.get(pk, ""), "window": window_names.get(pk, "")}[what]
        hits.append(
            Hit(
                rule,
                f"{what}:{pk}:level:{level}",
                f"{name}：近 {rule.working_days} 个工作日评价 {span_total} 条，“{label}”0 条"
                f"（按此前 {rule.history_working_days} 个工作日的比例应约 {expected:.1f} 条）",
                {
                    "level": level,
                    "level_label": label,
                    "span_ratings": span_total,
                    "span_level": 0,
                    "working_days": rule.working_days,
                    "history_working_days": rule.history_working_days,
                    "history_ratings": history_total,
                    "history_level": in_history,
                    "expected": round(expected, 1),
                    "min_expected": rule.min_expected,
                    "from": _local(start),
                    "history_from": _local(history_start),
                    "to": _local(now),
                },
                unit_id=pk if what == "unit" else window_units.get(pk) if what == "window" else None,
                window_id=pk if what == "window" else None,
                level=level,
            )  # fmt: skip
        )
    return hits


# ------------------------------------------------------------------------------------------- ticket_due_soon
def _current_due() -> Case:
    """The deadline a ticket is working towards: the return visit while open, else the rectification."""
    return Case(When(state=State.OPEN, then=F("visit_due")), default=F("rectify_due"))


def due_soon_tickets(district_id: int, now: datetime, hours: int) -> QuerySet[Ticket]:
    return (
        Ticket.objects.filter(district_id=district_id)
        .exclude(state=State.CLOSED)
        .exclude(overdue_q(now))
        .annotate(due=_current_due())
        .filter(due__gt=now, due__lte=now + timedelta(hours=hours))
    )


def ticket_due_soon(district_id: int, rules: Rules, now: datetime) -> list[Hit]:
    """Per open ticket: its current deadline (return visit while 待回访, else rectification) is not yet passed and
    falls within ``hours`` hours. Overdue tickets are the tickets app's 督办, not an alert."""
    enabled = rules.enabled()
    if not enabled:
        return []
    longest = max(rule.hours or 0 for rule in enabled)
    hits = []
    for ticket in due_soon_tickets(district_id, now, longest).filter(_scope(enabled)).select_related("unit"):
        rule = rules.for_window(ticket.window_id, ticket.unit_id)
        left = (ticket.due - now).total_seconds() / 3600  # type: ignore[attr-defined]
        if rule is None or left > (rule.hours or 0):
            continue
        phase = "visit" if ticket.state == State.OPEN else "rectify"
        phase_label = "回访" if phase == "visit" else "整改"
        due_local = timezone.localtime(ticket.due)  # type: ignore[attr-defined]
        hits.append(
            Hit(
                rule,
                f"ticket:{ticket.pk}:{phase}",
                f"工单 {ticket.tracking_code}（{ticket.unit.name}）{phase_label}期限 {due_local:%m-%d %H:%M} 将到，"
                f"剩余 {left:.1f} 小时",
                {
                    "tracking_code": ticket.tracking_code,
                    "state": str(ticket.get_state_display()),
                    "phase": phase_label,
                    "due": due_local.isoformat(timespec="minutes"),
                    "hours_left": round(left, 1),
                    "hours": rule.hours,
                    "escalation": ticket.escalation,
                },
                unit_id=ticket.unit_id,
                window_id=ticket.window_id,
                ticket_id=ticket.pk,
            )  # fmt: skip
        )
    return hits


CHECKS: dict[str, Callable[[int, Rules, datetime], list[Hit]]] = {
    AlertKind.NEGATIVE_SHARE: negative_share,
    AlertKind.SILENT_WINDOW: silent_window,
    AlertKind.STALLED_LEVEL: stalled_level,
    AlertKind.TICKET_DUE_SOON: ticket_due_soon,
}
