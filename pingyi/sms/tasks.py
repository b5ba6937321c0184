"""Jobs of the SMS app and their schedules.

``ensure_schedules()`` creates (or repairs) two django-q schedules and is safe to call on every worker start:
- ``pingyi.sms.sample``: daily at 18:00 local time, ``sample_today`` (invitations for today's finished records);
- ``pingyi.sms.send``: every minute, ``send_due`` (the outbox sender).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

SAMPLE_SCHEDULE = "pingyi.sms.sample"
SEND_SCHEDULE = "pingyi.sms.send"
SAMPLE_AT = time(18, 0)


def sample_today() -> str:
    from pingyi.sms.services import invitations_sample

    result = invitations_sample(timezone.localdate())
    return f"sampled={result.sampled} overdue={result.overdue}"


def send_due() -> str:
    from pingyi.sms.services import outbox_send

    result = outbox_send()
    return f"sent={result.sent} retrying={result.retrying} failed={result.failed}"


def _next_sample_run(now: datetime) -> datetime:
    local = timezone.localtime(now)
    run = local.replace(hour=SAMPLE_AT.hour, minute=SAMPLE_AT.minute, second=0, microsecond=0)
    return run if run > local else run + timedelta(days=1)


def ensure_schedules() -> None:
    """Create the SMS schedules once; calling it again changes nothing (a wrong time or function is repaired)."""
    from django_q.models import Schedule

    now = timezone.now()
    sample = Schedule.objects.filter(name=SAMPLE_SCHEDULE).first()
    if sample is None:
        Schedule.objects.create(
            name=SAMPLE_SCHEDULE,
            func="pingyi.sms.tasks.sample_today",
            schedule_type=Schedule.DAILY,
            repeats=-1,
            next_run=_next_sample_run(now),
        )
    else:
        next_local = timezone.localtime(sample.next_run) if sample.next_run else None
        if (
            sample.func != "pingyi.sms.tasks.sample_today"
            or sample.schedule_type != Schedule.DAILY
            or next_local is None
            or (next_local.hour, next_local.minute) != (SAMPLE_AT.hour, SAMPLE_AT.minute)
        ):
            sample.func = "pingyi.sms.tasks.sample_today"
            sample.schedule_type = Schedule.DAILY
            sample.repeats = -1
            sample.next_run = _next_sample_run(now)
            sample.save()
    Schedule.objects.update_or_create(
        name=SEND_SCHEDULE,
        defaults={
            "func": "pingyi.sms.tasks.send_due",
            "schedule_type": Schedule.MINUTES,
            "minutes": 1,
            "repeats": -1,
        },
        create_defaults={
            "func": "pingyi.sms.tasks.send_due",
            "schedule_type": Schedule.MINUTES,
            "minutes": 1,
            "repeats": -1,
            "next_run": now,
        },
    )
