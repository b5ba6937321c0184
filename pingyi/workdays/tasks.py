"""The calendar's daily look-ahead: a year that starts within ``LOOKAHEAD_DAYS`` and has no schedule becomes an alert
(a ``CalendarGap``) weeks before any deadline needs it. The State Council publishes the next year's notice around
November; chinese-calendar follows with a release."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

SCHEDULE = "pingyi.workdays.lookahead"
LOOKAHEAD_DAYS = 60


def lookahead() -> str:
    from pingyi.workdays.days import is_known
    from pingyi.workdays.services import calendar_gap_record

    today = timezone.localdate()
    years = sorted({today.year, (today + timedelta(days=LOOKAHEAD_DAYS)).year})
    missing = [year for year in years if not is_known(year)]
    for year in missing:
        calendar_gap_record(year=year, context="lookahead")
    return "missing=" + ",".join(map(str, missing)) if missing else "ok"


def ensure_schedules() -> None:
    from django_q.models import Schedule

    Schedule.objects.update_or_create(
        name=SCHEDULE,
        defaults={
            "func": "pingyi.workdays.tasks.lookahead",
            "schedule_type": Schedule.DAILY,
            "repeats": -1,
        },
    )
