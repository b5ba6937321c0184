"""The alerts' jobs and their schedules.

``ensure_schedules()`` creates (or repairs) two django-q schedules; safe to call on every worker start:
- ``pingyi.alerts.frequent``: every ``every_minutes`` (15) minutes, ``evaluate_frequent`` judges negative_share,
  silent_window and ticket_due_soon;
- ``pingyi.alerts.daily``: daily at 06:30 local time, ``evaluate_daily`` judges stalled_level (its baseline reads
  weeks of ratings, and its spans are whole working days).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

FREQUENT_SCHEDULE = "pingyi.alerts.frequent"
DAILY_SCHEDULE = "pingyi.alerts.daily"
DAILY_AT = time(6, 30)
FREQUENT_KINDS = ("negative_share", "silent_window", "ticket_due_soon")
DAILY_KINDS = ("stalled_level",)


def evaluate_frequent() -> str:
    from pingyi.alerts.evaluate import alerts_evaluate

    return alerts_evaluate(kinds=FREQUENT_KINDS).render()


def evaluate_daily() -> str:
    from pingyi.alerts.evaluate import alerts_evaluate

    return alerts_evaluate(kinds=DAILY_KINDS).render()


def _next_daily_run(now: datetime) -> datetime:
    local = timezone.localtime(now)
    run = local.replace(hour=DAILY_AT.hour, minute=DAILY_AT.minute, second=0, microsecond=0)
    return run if run > local else run + timedelta(days=1)


def ensure_schedules() -> None:
    from django_q.models import Schedule

    from pingyi.alerts.defaults import alert_settings

    now = timezone.now()
    minutes = alert_settings().every_minutes
    Schedule.objects.update_or_create(
        name=FREQUENT_SCHEDULE,
        defaults={
            "func": "pingyi.alerts.tasks.evaluate_frequent",
            "schedule_type": Schedule.MINUTES,
            "minutes": minutes,
            "repeats": -1,
        },
        create_defaults={
            "func": "pingyi.alerts.tasks.evaluate_frequent",
            "schedule_type": Schedule.MINUTES,
            "minutes": minutes,
            "repeats": -1,
            "next_run": now,
        },
    )
    daily = Schedule.objects.filter(name=DAILY_SCHEDULE).first()
    next_local = timezone.localtime(daily.next_run) if daily and daily.next_run else None
    if (
        daily is None
        or daily.func != "pingyi.alerts.tasks.evaluate_daily"
        or daily.schedule_type != Schedule.DAILY
        or daily.repeats != -1
        or next_local is None
        or (next_local.hour, next_local.minute) != (DAILY_AT.hour, DAILY_AT.minute)
    ):
        Schedule.objects.update_or_create(
            name=DAILY_SCHEDULE,
            defaults={
                "func": "pingyi.alerts.tasks.evaluate_daily",
                "schedule_type": Schedule.DAILY,
                "repeats": -1,
                "next_run": _next_daily_run(now),
            },
        )
