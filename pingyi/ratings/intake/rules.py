"""The rate limits and integrity flags of the door, declared once: ``LIMITS`` (a rating refused, HTTP 429) and
``FLAGS`` (a rating stored and marked for inspectors), each a condition over the *facts* of one rating.

From this one table come both paths: ``holds`` evaluates a condition in Python over the portable store's facts
(``checks``), and ``sql`` renders it into the PostgreSQL statements (``statement``, ``batch``), each of which names
the SQL expression of every fact (``FACTS`` lists them all). Adding a flag is one entry in ``FLAGS`` — and, for a new
fact, its value in ``checks.facts`` and its expression in each statement's mapping (an unnamed fact fails at once).

A condition is built from ``fact(name)``, ``setting(key)`` (a key of ``PINGYI_RATINGS``) and numbers, with ``&``
(and), ``|`` (or), ``~`` (not), ``+`` and ``>=``. Python evaluates ``&`` and ``|`` left to right and stops early,
so a fact that needs a query (``staff_phone``) is asked only when the facts before it hold.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

# What a condition may ask about one rating (the value each path gives it: a bool or an int).
FACTS = {
    "has_phone": "a callback phone is given",
    "has_device": "a device fingerprint is known",
    "historical": "an import of a past rating (original time, no limits)",
    "counts_device": "the device's recent ratings count: a fingerprint, and not historical",
    "device_10min": "ratings from the fingerprint received within 10 minutes, before this one",
    "phone_day": "ratings with the phone received within 24 hours, before this one",
    "phone_records_30d": "distinct records rated with the phone within 30 days, before this one",
    "record_new": "1 if this rating is of a record (counted with the phone's records), else 0",
    "phone_units_30d": "distinct units rated with the phone within 30 days, before this one",
    "unit_new": "1 if the phone rated no rating of this unit within 30 days, else 0",
    "staff_phone": "the phone is a staff member's in the district",
    "staff_device": "the fingerprint was seen signing in to a staff, unit-admin or hall-manager account",
    "phone_differs": "the phone differs from the phone of the rated record",
    "hours_apply": "a QR or window-device rating of a window, not historical",
    "outside_hours": "the time is outside the window's posted hours (± the grace)",
}

Facts = Mapping[str, Any]  # fact name → value (a lazy mapping in the portable path)
Names = Callable[[str], str]  # fact name → its SQL expression in one statement


class Expr:
    """A condition or a number over the facts of a rating."""

    def holds(self, facts: Facts, limits: Mapping[str, int]) -> Any:
        raise NotImplementedError

    def sql(self, names: Names) -> str:
        raise NotImplementedError

    def settings(self) -> set[str]:
        return set()

    def __and__(self, other: Expr) -> Expr:
        return _Op("AND", (self, other))

    def __or__(self, other: Expr) -> Expr:
        return _Op("OR", (self, other))

    def __invert__(self) -> Expr:
        return _Op("NOT", (self,))

    def __add__(self, other: Expr | int) -> Expr:
        return _Op("+", (self, _wrap(other)))

    def __ge__(self, other: Expr | int) -> Expr:  # type: ignore[override]
        return _Op(">=", (self, _wrap(other)))


Operand = Expr | int


def _wrap(value: Operand) -> Expr:
    return value if isinstance(value, Expr) else _Number(value)


@dataclass(frozen=True, eq=False)
class _Fact(Expr):
    name: str

    def holds(self, facts: Facts, limits: Mapping[str, int]) -> Any:
        return facts[self.name]

    def sql(self, names: Names) -> str:
        return f"({names(self.name)})"


@dataclass(frozen=True, eq=False)
class _Setting(Expr):
    key: str

    def holds(self, facts: Facts, limits: Mapping[str, int]) -> Any:
        return limits[self.key]

    def sql(self, names: Names) -> str:
        return f"%({setting_param(self.key)})s"

    def settings(self) -> set[str]:
        return {self.key}


@dataclass(frozen=True, eq=False)
class _Number(Expr):
    value: int

    def holds(self, facts: Facts, limits: Mapping[str, int]) -> Any:
        return self.value

    def sql(self, names: Names) -> str:
        return str(int(self.value))


@dataclass(frozen=True, eq=False)
class _Op(Expr):
    op: str
    args: tuple[Expr, ...]

    def holds(self, facts: Facts, limits: Mapping[str, int]) -> Any:
        first = self.args[0]
        if self.op == "NOT":
            return not first.holds(facts, limits)
        if self.op == "AND":
            return bool(first.holds(facts, limits)) and bool(self.args[1].holds(facts, limits))
        if self.op == "OR":
            return bool(first.holds(facts, limits)) or bool(self.args[1].holds(facts, limits))
        left, right = first.holds(facts, limits), self.args[1].holds(facts, limits)
        return left + right if self.op == "+" else left >= right

    def sql(self, names: Names) -> str:
        if self.op == "NOT":
            return f"(NOT {self.args[0].sql(names)})"
        return f"({self.args[0].sql(names)} {self.op} {self.args[1].sql(names)})"

    def settings(self) -> set[str]:
        return set().union(*(a.settings() for a in self.args))


def fact(name: str) -> Expr:
    assert name in FACTS, f"unknown fact {name!r}"
    return _Fact(name)


def setting(key: str) -> Expr:
    return _Setting(key)


def setting_param(key: str) -> str:
    """The statement parameter that carries ``PINGYI_RATINGS[key]`` (an int)."""
    return f"s_{key}"


@dataclass(frozen=True)
class Limit:
    """A refusal: when ``when`` holds, nothing is stored and RateLimited(``message``) is raised."""

    name: str
    when: Expr
    message: str


@dataclass(frozen=True)
class Flag:
    """A mark: when ``when`` holds, ``name`` is added to the stored rating's flags (in ``FLAGS``' order)."""

    name: str
    when: Expr


counts_device = fact("counts_device")
has_phone = fact("has_phone")

LIMITS: tuple[Limit, ...] = (
    Limit(
        "device_10min",
        counts_device & (fact("device_10min") >= setting("limit_per_device_10min")),
        "评价过于频繁，请稍后再试",
    ),
    Limit(
        "phone_day",
        has_phone & ~fact("historical") & (fact("phone_day") >= setting("limit_per_phone_day")),
        "该手机号今日评价次数已达上限",
    ),
)

FLAGS: tuple[Flag, ...] = (
    Flag("staff_phone", has_phone & fact("staff_phone")),
    Flag("staff_device", fact("has_device") & fact("staff_device")),
    Flag("burst", counts_device & (fact("device_10min") + 1 >= setting("burst_per_device_10min"))),
    Flag(
        "phone_many",
        has_phone
        & (
            (fact("phone_records_30d") + fact("record_new") >= setting("phone_records_30d"))
            | (fact("phone_units_30d") + fact("unit_new") >= setting("phone_units_30d"))
        ),
    ),
    Flag("phone_differs_from_record", has_phone & fact("phone_differs")),
    Flag("outside_hours", fact("hours_apply") & fact("outside_hours")),
)


def refusal(facts: Facts, limits: Mapping[str, int]) -> Limit | None:
    """The first limit the facts reach, if any."""
    return next((limit for limit in LIMITS if limit.when.holds(facts, limits)), None)


def flags_of(facts: Facts, limits: Mapping[str, int]) -> list[str]:
    """The names of the flags that hold, in ``FLAGS``' order."""
    return [flag.name for flag in FLAGS if flag.when.holds(facts, limits)]


def flags_sql(names: Names) -> str:
    """The statement's ``text[]`` of the flags that hold, in ``FLAGS``' order."""
    cases = ", ".join(f"CASE WHEN {flag.when.sql(names)} THEN '{flag.name}' END" for flag in FLAGS)
    return f"array_remove(ARRAY[{cases}]::text[], NULL)"


def refused_sql(names: Names) -> str:
    """The statement's condition that some limit is reached (the INSERT's ``NOT (…)``)."""
    return " OR ".join(limit.when.sql(names) for limit in LIMITS)


def setting_params(limits: Mapping[str, int]) -> dict[str, int]:
    """The statement parameters of every setting the rules use."""
    conditions = [limit.when for limit in LIMITS] + [flag.when for flag in FLAGS]
    keys = set().union(*(when.settings() for when in conditions))
    return {setting_param(key): int(limits[key]) for key in sorted(keys)}
