"""The measures of /work/shared/domain.md §7, read from the cubes for any scope, period, channel and item.

A ``Scope`` is where (district, and optionally a hall with its sub-centres, a unit, a window, a staff member); a
``Period`` is when (local days, end inclusive) and which channels and item. Every function picks the smallest cube
holding the dimensions the question needs (``cubes.pick``), so a district's month is a few hundred cube rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from django.db.models import Q, QuerySet, Sum

from pingyi.accounts.models import Role
from pingyi.accounts.scopes import hall_subtree_ids
from pingyi.insight import cubes
from pingyi.lib.scales import CHANNEL_LABELS, Channel

GROUPS = ("hall", "unit", "window", "staff", "item", "channel", "level")
PLACE_DIMS = ("hall", "unit", "window", "staff")


@dataclass(frozen=True)
class Scope:
    district_id: int
    hall_id: int | None = None
    unit_id: int | None = None
    window_id: int | None = None
    staff_id: int | None = None

    @classmethod
    def for_user(cls, user: Any, district_id: int | None = None) -> Scope | None:
        """The user's whole scope, or None when the role has no dashboard (operators)."""
        superuser = user.is_superuser or user.role == Role.SUPERUSER
        district = user.district_id or (district_id if superuser else None)
        if district is None:
            if not superuser:
                return None
            from pingyi.catalog.models import District

            district = District.objects.order_by("id").values_list("id", flat=True).first()
            if district is None:
                return None
        if superuser or user.role == Role.INSPECTOR:
            return cls(district)
        if user.role == Role.HALL_MANAGER and user.hall_id:
            return cls(district, hall_id=user.hall_id)
        if user.role == Role.UNIT_ADMIN and user.unit_id:
            return cls(district, unit_id=user.unit_id)
        if user.role == Role.STAFF and user.staff_id:
            return cls(district, staff_id=user.staff_id)
        return None

    @cached_property
    def hall_ids(self) -> list[int]:
        """The hall and its sub-centres (looked up once per scope, not once per query)."""
        return hall_subtree_ids(self.hall_id) if self.hall_id is not None else []

    def dims(self) -> set[str]:
        return {d for d in PLACE_DIMS if getattr(self, f"{d}_id") is not None}

    def level(self) -> str:
        """The narrowest place this scope names."""
        for dim in ("staff", "window", "unit", "hall"):
            if getattr(self, f"{dim}_id") is not None:
                return dim
        return "district"


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    channels: tuple[str, ...] = ()
    item_id: int | None = None


@dataclass
class Summary:
    ratings: int = 0
    active: int = 0
    default: int = 0
    satisfied: int = 0
    negative: int = 0
    revoked: int = 0
    records: int = 0
    levels: dict[int, int] = field(default_factory=lambda: {level: 0 for level in range(1, 6)})

    @property
    def satisfaction(self) -> float | None:
        return self.satisfied / self.active if self.active else None

    @property
    def verified_satisfaction(self) -> float | None:
        sample = self.active - self.revoked
        return self.satisfied / sample if sample else None

    @property
    def participation(self) -> float | None:
        return self.ratings / self.records if self.records else None

    def add_counts(
        self, *, ratings: int, default: int, negative: int, revoked: int, levels: dict[int, int]
    ) -> None:
        """Add the counts of a group of ratings (``levels`` counts active ratings only)."""
        active = ratings - default
        self.ratings += ratings
        self.default += default
        self.active += active
        self.negative += negative
        self.satisfied += active - negative
        self.revoked += revoked
        for level, n in levels.items():
            self.levels[level] = self.levels.get(level, 0) + n

    def merge(self, other: Summary) -> None:
        self.add_counts(
            ratings=other.ratings,
            default=other.default,
            negative=other.negative,
            revoked=other.revoked,
            levels=other.levels,
        )
        self.records += other.records


@dataclass
class Row:
    key: Any
    label: str
    summary: Summary


def _place_filter(scope: Scope) -> dict[str, Any]:
    where: dict[str, Any] = {"district_id": scope.district_id}
    if scope.hall_id is not None:
        where["hall_id__in"] = scope.hall_ids
    for dim in ("unit", "window", "staff"):
        value = getattr(scope, f"{dim}_id")
        if value is not None:
            where[f"{dim}_id"] = value
    return where


def _needed(scope: Scope, period: Period, group: str | None) -> set[str]:
    needed = scope.dims()
    if period.item_id is not None:
        needed.add("item")
    if group in PLACE_DIMS or group == "item":
        needed.add(group)
    return needed


def _parts(
    days: tuple[cubes.Cube, ...], months: tuple[cubes.Cube, ...], scope: Scope, period: Period, group: str | None,
    *, by_day: bool = False,
) -> list[QuerySet[Any]]:  # fmt: skip
    """Querysets whose rows add up to the answer: whole months from a month cube when one fits, days for the rest."""
    needed = _needed(scope, period, group)
    place = _place_filter(scope)
    month_cube = None if by_day else cubes.pick_month(months, needed)
    ranges, whole = (
        cubes.split(period.start, period.end) if month_cube else ([(period.start, period.end)], None)
    )
    day_cube = cubes.pick(days, needed)
    parts = [day_cube.model._default_manager.filter(day__gte=lo, day__lte=hi, **place) for lo, hi in ranges]
    if month_cube is not None and whole is not None:
        parts.append(month_cube.model._default_manager.filter(day__gte=whole[0], day__lte=whole[1], **place))
    return parts


def _ratings(
    scope: Scope, period: Period, group: str | None = None, *, by_day: bool = False
) -> list[QuerySet[Any]]:
    parts = _parts(cubes.RATING_CUBES, cubes.RATING_MONTHS, scope, period, group, by_day=by_day)
    if period.channels:
        parts = [qs.filter(channel__in=period.channels) for qs in parts]
    if period.item_id is not None:
        parts = [qs.filter(item_id=period.item_id) for qs in parts]
    return parts


def _records(
    scope: Scope, period: Period, group: str | None = None, *, by_day: bool = False
) -> list[QuerySet[Any]]:
    parts = _parts(cubes.RECORD_CUBES, cubes.RECORD_MONTHS, scope, period, group, by_day=by_day)
    if period.item_id is not None:
        parts = [qs.filter(item_id=period.item_id) for qs in parts]
    return parts


def _record_totals(parts: list[QuerySet[Any]], key_column: str | None) -> dict[Any, int]:
    totals: dict[Any, int] = defaultdict(int)
    for qs in parts:
        rows = qs.values(key_column) if key_column else qs
        if key_column:
            for row in rows.annotate(total=Sum("n")).order_by():
                totals[row[key_column]] += row["total"] or 0
        else:
            totals[None] += qs.aggregate(total=Sum("n"))["total"] or 0
    return totals


def _group_column(group: str) -> str:
    return {"level": "level5", "channel": "channel"}.get(group, f"{group}_id")


# One row per group with every count the measures need, computed by the database (a province's month of units is
# ten thousand rows, not a hundred thousand).
_COUNTS = {
    "ratings": Sum("n"),
    "default_n": Sum("n", filter=Q(is_default=True)),
    "negative_n": Sum("n", filter=Q(is_default=False, negative=True)),
    "revoked_n": Sum("revoked", filter=Q(is_default=False, negative=True)),
    **{f"l{k}": Sum("n", filter=Q(is_default=False, level5=k)) for k in range(1, 6)},
}


def _fold(parts: list[QuerySet[Any]], key_column: str | None) -> dict[Any, Summary]:
    out: dict[Any, Summary] = defaultdict(Summary)
    for qs in parts:
        rows = (
            qs.values(key_column).annotate(**_COUNTS).order_by() if key_column else [qs.aggregate(**_COUNTS)]
        )
        for row in rows:
            if not row["ratings"]:
                continue
            out[row[key_column] if key_column else None].add_counts(
                ratings=row["ratings"],
                default=row["default_n"] or 0,
                negative=row["negative_n"] or 0,
                revoked=row["revoked_n"] or 0,
                levels={k: row[f"l{k}"] or 0 for k in range(1, 6)},
            )
    return out


def summary(scope: Scope, period: Period) -> Summary:
    result = _fold(_ratings(scope, period), None).get(None, Summary())
    result.records = _record_totals(_records(scope, period), None)[None]
    return result


def _labels(group: str, keys: list[Any]) -> dict[Any, str]:
    from pingyi.catalog import models as catalog

    if group == "channel":
        known = {c.value for c in Channel}
        return {k: CHANNEL_LABELS[Channel(k)] if k in known else str(k) for k in keys}
    if group == "level":
        return {k: f"{k}星" for k in keys}
    model = {
        "hall": catalog.Hall,
        "unit": catalog.Unit,
        "window": catalog.Window,
        "staff": catalog.Staff,
        "item": catalog.ServiceItem,
    }[group]
    return {
        obj.pk: str(obj) for obj in model._default_manager.filter(pk__in=[k for k in keys if k is not None])
    }


def breakdown(scope: Scope, period: Period, by: str, limit: int | None = None) -> list[Row]:
    """One row per hall, unit, window, staff member, item, channel or level, the most ratings first (the first
    ``limit`` rows when given; labels are looked up only for the rows returned)."""
    if by not in GROUPS:
        raise ValueError(f"unknown grouping {by!r}")
    column = _group_column(by)
    folded = _fold(_ratings(scope, period, by), column)
    if by in (*PLACE_DIMS, "item"):
        for key, total in _record_totals(_records(scope, period, by), column).items():
            folded[key].records += total
    ordered = sorted(folded.items(), key=lambda kv: (-kv[1].ratings, -kv[1].records, str(kv[0])))
    if limit is not None:
        ordered = ordered[:limit]
    labels = _labels(by, [key for key, _ in ordered])
    rows = [Row(key, labels.get(key, "（未关联）"), s) for key, s in ordered]
    rows.sort(key=lambda r: (-r.summary.ratings, -r.summary.records, str(r.label)))
    return rows


def _bucket(day: date, step: str) -> date:
    return day.replace(day=1) if step == "month" else day


def trend(scope: Scope, period: Period, step: str = "day") -> list[tuple[date, Summary]]:
    """Summaries per day or per month, oldest first (days without data are left out)."""
    if step not in ("day", "month"):
        raise ValueError(f"unknown step {step!r}")
    folded: dict[date, Summary] = defaultdict(Summary)
    for key, s in _fold(_ratings(scope, period, by_day=True), "day").items():
        folded[_bucket(key, step)].merge(s)
    for day, total in _record_totals(_records(scope, period, by_day=True), "day").items():
        folded[_bucket(day, step)].records += total
    return sorted(folded.items())


def heatmap(scope: Scope, period: Period) -> list[list[int]]:
    """Active ratings per [weekday 0=Monday][local hour], over the period (channels and item not applied)."""
    grid = [[0] * 24 for _ in range(7)]
    cube = cubes.pick(cubes.HOUR_CUBES, scope.dims())
    qs = cube.model._default_manager.filter(
        day__gte=period.start, day__lte=period.end, **_place_filter(scope)
    )
    for row in qs.values("day", "hour").annotate(total=Sum("n")).order_by():
        grid[row["day"].weekday()][row["hour"]] += row["total"] or 0
    return grid


@dataclass
class TicketSummary:
    opened: int = 0  # tickets opened in the period
    closed: int = 0  # of those, closed by now
    closed_on_time: int = 0  # closed no later than their last deadline (rectification, else return visit)
    overdue: int = 0  # of those, open now past a deadline
    open_now: int = 0  # of those, still open
    revoked: int = 0  # of those, the 差评 revoked after appeal

    @property
    def on_time_rate(self) -> float | None:
        return self.closed_on_time / self.closed if self.closed else None


def _tickets(scope: Scope, period: Period) -> QuerySet[Any]:
    from pingyi.tickets.models import Ticket

    lo, hi = cubes.local_bounds(period.start, period.end)
    where = _place_filter(scope)
    if "hall_id__in" in where:
        where["window__hall_id__in"] = where.pop("hall_id__in")
    qs = Ticket.objects.filter(opened_at__gte=lo, opened_at__lt=hi, **where)
    if period.item_id is not None:
        qs = qs.filter(Q(rating__item_id=period.item_id) | Q(record__item_id=period.item_id))
    if period.channels:
        qs = qs.filter(rating__channel__in=period.channels)
    return qs


def _ticket_counts() -> dict[str, Any]:
    from django.db.models import Count, F
    from django.db.models.functions import Coalesce
    from django.utils import timezone

    from pingyi.tickets.models import State, overdue_q

    closed = Q(state=State.CLOSED)
    deadline = Coalesce(F("rectify_due"), F("visit_due"))
    return {
        "opened": Count("id"),
        "closed": Count("id", filter=closed),
        "closed_on_time": Count(
            "id", filter=closed & (Q(closed_at__lte=deadline) | Q(visit_due__isnull=True))
        ),
        "overdue": Count("id", filter=overdue_q(timezone.now())),
        "open_now": Count("id", filter=~closed),
        "revoked": Count("id", filter=Q(revoked=True)),
    }


def ticket_summary(scope: Scope, period: Period) -> TicketSummary:
    """Tickets opened in the period in the scope (tickets are few: counted from the tickets table directly)."""
    return TicketSummary(**_tickets(scope, period).aggregate(**_ticket_counts()))


def ticket_summary_by_unit(scope: Scope, period: Period) -> dict[int, TicketSummary]:
    rows = _tickets(scope, period).values("unit_id").annotate(**_ticket_counts()).order_by()
    return {row.pop("unit_id"): TicketSummary(**row) for row in rows}
