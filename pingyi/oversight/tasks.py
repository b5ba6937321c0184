"""Jobs of the comparison engine and its nightly schedule.

``ensure_schedules()`` creates (or repairs) the django-q schedule ``pingyi.oversight.nightly``: daily at 02:30 local
time, ``nightly`` compares the current month up to yesterday (on the 1st: the whole previous month) in every district.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from pingyi.accounts.roles import SystemActor, as_actor

SCHEDULE_NAME = "pingyi.oversight.nightly"
SCHEDULE_AT = time(2, 30)
FUNC = "pingyi.oversight.tasks.nightly"


def nightly() -> str:
    from pingyi.catalog.models import District
    from pingyi.oversight.models import ComparisonRun
    from pingyi.oversight.services import comparison_run_period

    end = timezone.localdate() - timedelta(days=1)
    start = end.replace(day=1)
    done = []
    for district in District.objects.order_by("code"):
        run = comparison_run_period(
            actor=SystemActor("nightly"),
            district=district,
            start=start,
            end=end,
            trigger=ComparisonRun.Trigger.NIGHTLY,
        )
        done.append(f"{district.code}:{run.duration_ms}ms")
    return " ".join(done)


def run_queued(run_id: int, user_id: int | None) -> str:
    """A back-office run too long to wait for."""
    from pingyi.accounts.models import User
    from pingyi.oversight.models import ComparisonRun
    from pingyi.oversight.services import comparison_run

    run = ComparisonRun.objects.get(pk=run_id)
    if run.status != ComparisonRun.Status.RUNNING or run.finished_at is not None:
        # A second delivery of the task, or a run the reaper gave up on (pingyi.ops.reaper): leave it as it is.
        return f"run {run_id}: {run.status}, not run again"
    actor = as_actor(User.objects.filter(pk=user_id).first() if user_id else "worker")
    comparison_run(actor=actor, run=run)
    return f"run {run_id}: {run.duration_ms} ms"


def ensure_schedules() -> None:
    """Idempotent: creates the nightly schedule once, repairs a changed function, type or time."""
    from django_q.models import Schedule

    now = timezone.localtime()
    next_run = datetime.combine(now.date(), SCHEDULE_AT, tzinfo=now.tzinfo)
    if next_run <= now:
        next_run += timedelta(days=1)
    schedule, created = Schedule.objects.get_or_create(
        name=SCHEDULE_NAME,
        defaults={"func": FUNC, "schedule_type": Schedule.DAILY, "repeats": -1, "next_run": next_run},
    )
    local = timezone.localtime(schedule.next_run) if schedule.next_run else None
    if not created and (
        schedule.func != FUNC
        or schedule.schedule_type != Schedule.DAILY
        or schedule.repeats != -1
        or local is None
        or (local.hour, local.minute) != (SCHEDULE_AT.hour, SCHEDULE_AT.minute)
    ):
        schedule.func, schedule.schedule_type, schedule.repeats, schedule.next_run = (
            FUNC,
            Schedule.DAILY,
            -1,
            next_run,
        )
        schedule.save()
