"""The readiness checks behind /readyz: each answers ok or not, with a short detail.

- ``database``: a ``SELECT 1`` on the default database;
- ``worker``: the worker's heartbeat job (``tasks.heartbeat``, every minute) ran within
  ``PINGYI_HEARTBEAT_MAX_AGE_SECONDS``;
- ``calendar``: the working-day calendar knows every day of the next 60 days (pingyi.workdays), so no deadline
  falls into an unknown year;
- ``disk``: at least ``PINGYI_DISK_FREE_MIN_MIB`` free under PINGYI_HOME.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

HEARTBEAT = "worker"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        return Check("database", False, f"{type(exc).__name__}: {exc}"[:300])
    return Check("database", True, connection.vendor)


def check_worker() -> Check:
    from pingyi.ops.models import Heartbeat

    limit = int(settings.PINGYI_OPS["heartbeat_max_age_seconds"])
    try:
        beat = Heartbeat.objects.filter(name=HEARTBEAT).first()
    except Exception as exc:
        return Check("worker", False, f"{type(exc).__name__}: {exc}"[:300])
    if beat is None:
        return Check("worker", False, "no heartbeat yet: is `pingyi worker` running?")
    age = (timezone.now() - beat.beat_at).total_seconds()
    detail = f"last heartbeat {age:.0f} s ago ({beat.host}:{beat.pid}), limit {limit} s"
    return Check("worker", age <= limit, detail)


def check_calendar(today: date | None = None) -> Check:
    from pingyi.workdays.days import is_known
    from pingyi.workdays.tasks import LOOKAHEAD_DAYS

    today = today or timezone.localdate()
    try:
        years = sorted({today.year, (today + timedelta(days=LOOKAHEAD_DAYS)).year})
        missing = [year for year in years if not is_known(year)]
    except Exception as exc:
        return Check("calendar", False, f"{type(exc).__name__}: {exc}"[:300])
    if missing:
        unknown = ", ".join(map(str, missing))
        return Check(
            "calendar", False, f"no working-day schedule for {unknown} (within {LOOKAHEAD_DAYS} days)"
        )
    return Check("calendar", True, f"known {LOOKAHEAD_DAYS} days ahead")


def check_disk() -> Check:
    minimum = int(settings.PINGYI_OPS["disk_free_min_mib"])
    try:
        free = shutil.disk_usage(settings.HOME).free // (1024 * 1024)
    except OSError as exc:
        return Check("disk", False, f"{type(exc).__name__}: {exc}"[:300])
    return Check("disk", free >= minimum, f"{free} MiB free under PINGYI_HOME, minimum {minimum} MiB")


CHECKS: dict[str, Callable[[], Check]] = {
    "database": check_database,
    "worker": check_worker,
    "calendar": check_calendar,
    "disk": check_disk,
}


def readiness(names: list[str] | None = None) -> list[Check]:
    """Run the named checks (all when ``names`` is empty), the database first: the others read it."""
    chosen = [name for name in CHECKS if not names or name in names]
    return [CHECKS[name]() for name in chosen]
