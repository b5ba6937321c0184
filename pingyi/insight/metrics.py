"""The measures of docs/domain.md §7, read from the cubes for any scope, period, channel and item.

A ``Scope`` is where (district, and optionally a hall with its sub-centres, a unit, a window, a staff member); a
``Period`` is when (local days, end inclusive) and which channels and item. Every function picks the smallest cube
holding the dimensions the question needs (``grains.pick``) and asks the database one statement (``queries``): a
province's month grouped by unit reads one wide row per unit.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from django.db.models import Q, QuerySet

from pingyi.accounts.models import Role, User
from pingyi.accounts.roles import Someone
from pingyi.accounts.scopes import hall_subtree_ids
from pingyi.insight import queries
from pingyi.insight.cubes import grains
from pingyi.lib.scales import CHANNEL_LABELS, Channel
from pingyi.lib.sqlbits import as_date

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
    def for_user(cls, user: Someone, district_id: int | None = None) -> Scope | None:
        """The user's whole scope, or None when the role has no dashboard (operators)."""
        if not isinstance(user, User):
            return None
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


def _ask(scope: Scope, period: Period, group: str | None) -> tuple[queries.Ask, set[str]]:
    """The question for the SQL layer, and the place dimensions a cube must hold to answer it."""
    places: dict[str, Any] = {}
    if scope.hall_id is not None:
        places["hall"] = scope.hall_ids
    for dim in ("unit", "window", "staff"):
        value = getattr(scope, f"{dim}_id")
        if value is not None:
            places[dim] = value
    if period.item_id is not None:
        places["item"] = period.item_id
    needed = set(places)
    if group in (*PLACE_DIMS, "item"):
        needed.add(group)
    ask = queries.Ask(scope.district_id, places, period.start, period.end, period.channels, group)
    return ask, needed


def _summary(row: tuple[Any, ...]) -> Summary:
    _key, n, dflt, neg, rev, *rest = row
    *levels, records = rest
    result = Summary(records=int(records))
    result.add_counts(
        ratings=int(n),
        default=int(dflt),
        negative=int(neg),
        revoked=int(rev),
        levels={k: int(v) for k, v in enumerate(levels, start=1)},
    )
    return result


def summary(scope: Scope, period: Period) -> Summary:
    ask, needed = _ask(scope, period, None)
    rows = queries.counts(ask, needed)
    return _summary(rows[0]) if rows else Summary()


def _labels(group: str, keys: list[Any]) -> dict[Any, str]:
    from pingyi.catalog import models as catalog

    if group == "channel":
        known = {c.value for c in Channel}
        return {k: CHANNEL_LABELS[Channel(k)] if k in known else str(k) for k in keys}
    if group == "level":
        return {k: f"{k}星" if k else str(CHANNEL_LABELS[Channel.DEFAULT]) for k in keys}
    model, shown = {  # each model with the fields its __str__ reads (a province's breakdown shows 201 rows)
        "hall": (catalog.Hall, ("name",)),
        "unit": (catalog.Unit, ("name",)),
        "window": (catalog.Window, ("code", "name")),
        "staff": (catalog.Staff, ("name", "employee_no")),
        "item": (catalog.ServiceItem, ("code", "name")),
    }[group]
    objects = model._default_manager.only(*shown).filter(pk__in=[k for k in keys if k is not None])
    return {obj.pk: str(obj) for obj in objects}


def breakdown(scope: Scope, period: Period, by: str, limit: int | None = None) -> list[Row]:
    """One row per hall, unit, window, staff member, item, channel or level, the most ratings first (the first
    ``limit`` rows when given, chosen by the database; labels are looked up only for the rows returned).

    A level row counts the active ratings of that level (差评 for 非常不满意 and 不满意); default ratings, which
    no citizen chose, are the row of level 0; revocations are not split by level."""
    if by not in GROUPS:
        raise ValueError(f"unknown grouping {by!r}")
    ask, needed = _ask(scope, period, by)
    rows = queries.counts(ask, needed, limit=limit)
    keyed = [(row[0], _summary(row)) for row in rows]
    labels = _labels(by, [key for key, _ in keyed])
    out = [Row(key, labels.get(key, "（未关联）"), s) for key, s in keyed]
    out.sort(key=lambda r: (-r.summary.ratings, -r.summary.records, str(r.label)))
    return out


def trend(scope: Scope, period: Period, step: str = "day") -> list[tuple[date, Summary]]:
    """Summaries per day or per month, oldest first (days without data are left out)."""
    if step not in ("day", "month"):
        raise ValueError(f"unknown step {step!r}")
    ask, needed = _ask(scope, period, "day")
    folded: dict[date, Summary] = defaultdict(Summary)
    for row in queries.counts(ask, needed, by_day=True):
        day = as_date(row[0])
        folded[day.replace(day=1) if step == "month" else day].merge(_summary(row))
    return sorted(folded.items())


def heatmap(scope: Scope, period: Period) -> list[list[int]]:
    """Active ratings per [weekday 0=Monday][local hour], over the period (channels and item not applied)."""
    grid = [[0] * 24 for _ in range(7)]
    ask, needed = _ask(scope, Period(period.start, period.end), None)
    cube = grains.pick(needed)
    for day, hour, n in queries.hours(ask, cube if cube is not None and cube.hours else grains.RAW):
        grid[as_date(day).weekday()][int(hour)] += int(n)
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

    lo, hi = grains.local_bounds(period.start, period.end)
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

    from pingyi.tickets.choices import State
    from pingyi.tickets.models import overdue_q

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
