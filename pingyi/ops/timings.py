"""How long each worker job ran, kept in the database (``JobTiming``) for /metrics.

django-q sends ``pre_execute`` just before a worker process runs a task and ``post_execute_in_worker`` just after,
in that same process: the difference is the run time (the time in the queue is not in it). Every worker on every
host adds to the same rows, so any web process reports the whole deployment. Recording never fails a job.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db import transaction
from django.utils import timezone

log = logging.getLogger(__name__)

# Upper bounds (seconds) of the histogram's buckets; a last, infinite bucket is implied.
BOUNDS = (0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 1800.0)
_started: dict[str, float] = {}


def func_name(func: Any) -> str:
    """The dotted name of a task's function (django-q keeps either the name or the function)."""
    if isinstance(func, str):
        return func
    return f"{getattr(func, '__module__', '?')}.{getattr(func, '__qualname__', repr(func))}"


def _before(sender: Any, func: Any = None, task: dict[str, Any] | None = None, **kwargs: Any) -> None:
    if task is not None:
        _started[str(task.get("id"))] = time.monotonic()


def _after(sender: Any, func: Any = None, task: dict[str, Any] | None = None, **kwargs: Any) -> None:
    if task is None:
        return
    began = _started.pop(str(task.get("id")), None)
    if began is None:
        return
    try:
        job_timing_record(
            func_name(task.get("func", func)), time.monotonic() - began, bool(task.get("success"))
        )
    except Exception:  # a metric must never fail the job it measures
        log.warning("could not record the duration of %s", task.get("func"), exc_info=True)


def connect() -> None:
    from django_q.signals import post_execute_in_worker, pre_execute

    pre_execute.connect(_before, dispatch_uid="pingyi.ops.timings.before")
    post_execute_in_worker.connect(_after, dispatch_uid="pingyi.ops.timings.after")


def job_timing_record(func: str, seconds: float, success: bool) -> None:
    """Add one run to the function's histogram (row-locked: two workers finishing at once both count)."""
    from pingyi.ops.models import JobTiming

    with transaction.atomic():
        JobTiming.objects.get_or_create(func=func[:200], defaults={"buckets": [0] * len(BOUNDS)})
        row = JobTiming.objects.select_for_update().get(func=func[:200])
        buckets = list(row.buckets) + [0] * (len(BOUNDS) - len(row.buckets))
        for index, bound in enumerate(BOUNDS):
            if seconds <= bound:
                buckets[index] += 1
        row.buckets = buckets
        row.count += 1
        row.failures += 0 if success else 1
        row.total_seconds += seconds
        row.last_seconds = seconds
        row.last_at = timezone.now()
        row.save()
