"""The tickets' jobs: open tickets for new 差评 every minute; remind and escalate every 15 minutes."""

from __future__ import annotations

from django.utils import timezone

OPEN_SCHEDULE = "pingyi.tickets.open"
ESCALATE_SCHEDULE = "pingyi.tickets.escalate"


def open_pending() -> str:
    from pingyi.tickets.services import deadlines_fill, tickets_open_pending

    return f"opened={tickets_open_pending()} deadlines={deadlines_fill()}"


def escalate() -> str:
    from pingyi.tickets.escalation import tickets_escalate

    run = tickets_escalate()
    return f"reminded={run.reminded} escalated={run.escalated}"


def ensure_schedules() -> None:
    from django_q.models import Schedule

    for name, func, minutes in (
        (OPEN_SCHEDULE, "pingyi.tickets.tasks.open_pending", 1),
        (ESCALATE_SCHEDULE, "pingyi.tickets.tasks.escalate", 15),
    ):
        Schedule.objects.update_or_create(
            name=name,
            defaults={"func": func, "schedule_type": Schedule.MINUTES, "minutes": minutes, "repeats": -1},
            create_defaults={
                "func": func,
                "schedule_type": Schedule.MINUTES,
                "minutes": minutes,
                "repeats": -1,
                "next_run": timezone.now(),
            },
        )
