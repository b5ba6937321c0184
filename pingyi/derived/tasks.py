"""The feed's housekeeping: every night, delete the changes every cursor has read (``readers.prune``)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

PRUNE_SCHEDULE = "pingyi.derived.prune"
PRUNE_AT = time(3, 30)  # after the rollups' nightly week (01:30) and the nightly comparison (02:30)
FUNC = "pingyi.derived.tasks.prune"


def prune() -> str:
    from pingyi.derived.readers import prune as prune_read

    return f"pruned={prune_read()}"


def ensure_schedules() -> None:
    from django_q.models import Schedule

    now = timezone.localtime()
    next_run = datetime.combine(now.date(), PRUNE_AT, tzinfo=now.tzinfo)
    if next_run <= now:
        next_run += timedelta(days=1)
    Schedule.objects.update_or_create(
        name=PRUNE_SCHEDULE,
        defaults={"func": FUNC, "schedule_type": Schedule.DAILY},
        create_defaults={"func": FUNC, "schedule_type": Schedule.DAILY, "repeats": -1, "next_run": next_run},
    )
