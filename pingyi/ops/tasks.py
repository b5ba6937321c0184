"""The worker's operations jobs: the heartbeat /readyz looks at (every minute) and the reaper (every 5 minutes)."""

from __future__ import annotations

import os
import socket

from django.utils import timezone

HEARTBEAT_SCHEDULE = "pingyi.ops.heartbeat"
REAP_SCHEDULE = "pingyi.ops.reap"
REAP_MINUTES = 5


def heartbeat() -> str:
    """Stamp the worker's heartbeat: a worker took this task from the queue and ran it, so the queue flows."""
    from pingyi.ops.health import HEARTBEAT
    from pingyi.ops.models import Heartbeat

    now = timezone.now()
    Heartbeat.objects.update_or_create(
        name=HEARTBEAT, defaults={"beat_at": now, "host": socket.gethostname()[:255], "pid": os.getpid()}
    )
    return now.isoformat()


def reap() -> str:
    from pingyi.ops.reaper import reap as reap_jobs

    done = reap_jobs()
    return ", ".join(f"{r.kind} {r.pk} {r.action}" for r in done) or "nothing stale"


def ensure_schedules() -> None:
    """Idempotent: the two schedules exist once, with these functions and intervals."""
    from django_q.models import Schedule

    for name, func, minutes in (
        (HEARTBEAT_SCHEDULE, "pingyi.ops.tasks.heartbeat", 1),
        (REAP_SCHEDULE, "pingyi.ops.tasks.reap", REAP_MINUTES),
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
