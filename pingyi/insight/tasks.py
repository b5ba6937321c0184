"""The rollups' jobs: refresh every minute; every night recompute the last week whatever happened."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

REFRESH_SCHEDULE = "pingyi.insight.refresh"
NIGHTLY_SCHEDULE = "pingyi.insight.nightly"
NIGHTLY_AT = time(1, 30)
NIGHTLY_DAYS = 7


def refresh() -> str:
    from pingyi.insight.cubes.rollups import rollups_refresh

    result = rollups_refresh()
    return "full" if result.full else f"days={len(result.days)}"


def nightly() -> str:
    from pingyi.insight.cubes.rollups import rollups_rebuild

    today = timezone.localdate()
    return f"districts={rollups_rebuild(today - timedelta(days=NIGHTLY_DAYS), today)}"


def ensure_schedules() -> None:
    from django_q.models import Schedule

    Schedule.objects.update_or_create(
        name=REFRESH_SCHEDULE,
        defaults={"func": "pingyi.insight.tasks.refresh", "schedule_type": Schedule.MINUTES, "minutes": 1},
        create_defaults={
            "func": "pingyi.insight.tasks.refresh",
            "schedule_type": Schedule.MINUTES,
            "minutes": 1,
            "repeats": -1,
            "next_run": timezone.now(),
        },
    )
    now = timezone.localtime()
    next_run = datetime.combine(now.date(), NIGHTLY_AT, tzinfo=now.tzinfo)
    if next_run <= now:
        next_run += timedelta(days=1)
    Schedule.objects.get_or_create(
        name=NIGHTLY_SCHEDULE,
        defaults={
            "func": "pingyi.insight.tasks.nightly",
            "schedule_type": Schedule.DAILY,
            "repeats": -1,
            "next_run": next_run,
        },
    )
