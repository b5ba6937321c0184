"""Daily seals: each finished day's ratings are hashed and the digest is written into the audit chain.

Ratings are not chained one by one (that would serialise every writer at 450,000 a day). Instead, once a day is
over, ``seal_day`` hashes every rating *received* that local day — in id order, each row as canonical JSON of all its
concrete fields — and appends one ``ratings.seal`` entry (day, count, digest) to the audit chain. ``seals_verify``
later recomputes each sealed day from the ratings table and compares it with the chain (never with the
``DailySeal`` table, which is a convenience copy anyone with database access could edit): a rating edited, deleted
or inserted back-dated into a sealed day changes the count or the digest of that day.

Decisions (see docs/integrity.md):
- Days are local days (settings.TIME_ZONE) of ``received_at``, which the database stamps at insert and which
  historical imports do not back-date, so a sealed day gains no legitimate ratings later.
- ``seal_pending`` seals every day from the first rating's day to yesterday, including days without ratings
  (count 0, digest = SHA-256 of nothing): an empty day is sealed too, so a rating forged into it is caught.
- Today and future days are never sealed; the schedule runs at 00:10 so that transactions open at midnight
  have committed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from pingyi.accounts.roles import SYSTEM, Actor
from pingyi.audit.chain import canonical_json
from pingyi.audit.selectors import chain_entries
from pingyi.audit.services import audit_record
from pingyi.ratings.models import DailySeal, Rating

SEAL_ACTION = "ratings.seal"
SCHEDULE_NAME = "pingyi.ratings.seal_pending"
SCHEDULE_AT = time(0, 10)
EMPTY_DIGEST = hashlib.sha256(b"").hexdigest()


class SealError(Exception):
    """A day that cannot be sealed (today, the future, or already sealed)."""


@dataclass(frozen=True)
class DayDigest:
    day: date
    count: int
    digest: str


@dataclass(frozen=True)
class SealsResult:
    ok: bool
    days: int
    broken_day: date | None = None
    reason: str = ""


# --- hashing -----------------------------------------------------------------------------------------------------


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The local day as a half-open interval of aware datetimes."""
    tz = timezone.get_default_timezone()
    start = datetime.combine(day, time.min, tzinfo=tz)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)


def _attnames() -> list[str]:
    return [field.attname for field in Rating._meta.concrete_fields]


def _normalise(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def rating_line(row: dict[str, Any]) -> str:
    """One rating as the canonical JSON the seal hashes (all concrete fields, datetimes in UTC)."""
    return canonical_json({key: _normalise(value) for key, value in row.items()})


def day_digest(day: date) -> DayDigest:
    """Hash the ratings received on ``day`` (local), in id order, one canonical JSON line each."""
    start, end = day_bounds(day)
    rows = (
        Rating.objects.filter(received_at__gte=start, received_at__lt=end)
        .order_by("id")
        .values(*_attnames())
        .iterator(chunk_size=5000)
    )
    hasher = hashlib.sha256()
    count = 0
    for row in rows:
        hasher.update(rating_line(row).encode())
        hasher.update(b"\n")
        count += 1
    return DayDigest(day, count, hasher.hexdigest())


# --- sealing -----------------------------------------------------------------------------------------------------


def _seal_entries() -> Iterator[tuple[int, dict[str, Any]]]:
    """(seq, after) of every seal entry in the chain, oldest first."""
    for entry in chain_entries(SEAL_ACTION):
        yield entry.seq, entry.after if isinstance(entry.after, dict) else {}


def sealed_days() -> set[date]:
    """Days the chain says are sealed (the DailySeal table is only a copy)."""
    days: set[date] = set()
    for _, after in _seal_entries():
        try:
            days.add(date.fromisoformat(str(after.get("day"))))
        except ValueError:
            continue
    return days


def seal_day(day: date, *, actor: Actor = SYSTEM) -> DailySeal:
    """Seal one finished day: store its DailySeal and write one ``ratings.seal`` audit entry, atomically."""
    today = timezone.localdate()
    if day >= today:
        raise SealError(f"{day} is not over yet (today is {today}); only past days can be sealed")
    if DailySeal.objects.filter(day=day).exists() or day in sealed_days():
        raise SealError(f"{day} is already sealed")
    result = day_digest(day)
    try:
        with transaction.atomic():
            entry = audit_record(
                actor=actor,
                action=SEAL_ACTION,
                object_type="ratings.dailyseal",
                object_id=day.isoformat(),
                object_repr=f"{day} {result.count}",
                after={"day": day.isoformat(), "count": result.count, "digest": result.digest},
            )
            return DailySeal.objects.create(
                day=day, count=result.count, digest=result.digest, audit_seq=entry.seq
            )
    except IntegrityError as exc:  # a concurrent seal of the same day won the race
        raise SealError(f"{day} is already sealed") from exc


def pending_days() -> list[date]:
    """Every day from the first rating's day up to yesterday that the chain has no seal for."""
    first = Rating.objects.order_by("received_at").values_list("received_at", flat=True).first()
    if first is None:
        return []
    day = timezone.localtime(first).date()
    yesterday = timezone.localdate() - timedelta(days=1)
    done = sealed_days() | set(DailySeal.objects.values_list("day", flat=True))
    days: list[date] = []
    while day <= yesterday:
        if day not in done:
            days.append(day)
        day += timedelta(days=1)
    return days


def seal_pending() -> list[str]:
    """Seal every past day not sealed yet (empty days too); the daily schedule runs this. Returns the days."""
    sealed: list[str] = []
    for day in pending_days():
        try:
            seal_day(day)
        except SealError:  # sealed meanwhile by someone else
            continue
        sealed.append(day.isoformat())
    return sealed


# --- verification ------------------------------------------------------------------------------------------------


def seals_verify() -> SealsResult:
    """Recompute every day the chain sealed and return the first that differs from its seal.

    Run after the chain itself verified: the seal entries are then trustworthy.
    """
    checked = 0
    for seq, after in _seal_entries():
        try:
            day = date.fromisoformat(str(after["day"]))
            count, digest = int(after["count"]), str(after["digest"])
        except (KeyError, TypeError, ValueError):
            return SealsResult(False, checked, None, f"seal entry #{seq} is malformed")
        now = day_digest(day)
        if now.count != count:
            return SealsResult(
                False,
                checked,
                day,
                f"count differs: {count} ratings sealed (entry #{seq}), {now.count} now "
                f"({'inserted' if now.count > count else 'deleted'} afterwards)",
            )
        if now.digest != digest:
            return SealsResult(
                False,
                checked,
                day,
                f"digest differs: {count} ratings as sealed (entry #{seq}) but their content changed",
            )
        checked += 1
    return SealsResult(True, checked)


# --- schedule ----------------------------------------------------------------------------------------------------


def ensure_schedules() -> None:
    """Create (or repair) the daily django-q schedule running ``seal_pending`` at 00:10 local time. Idempotent."""
    from django_q.models import Schedule

    func = "pingyi.ratings.seals.seal_pending"
    now = timezone.localtime()
    next_run = datetime.combine(now.date(), SCHEDULE_AT, tzinfo=now.tzinfo)
    if next_run <= now:
        next_run += timedelta(days=1)
    schedule, created = Schedule.objects.get_or_create(
        name=SCHEDULE_NAME,
        defaults={
            "func": func,
            "schedule_type": Schedule.DAILY,
            "repeats": -1,
            "next_run": next_run,
        },
    )
    if not created and (
        schedule.func != func or schedule.schedule_type != Schedule.DAILY or schedule.repeats != -1
    ):
        schedule.func, schedule.schedule_type, schedule.repeats = func, Schedule.DAILY, -1
        schedule.next_run = next_run
        schedule.save()
