"""The reaper: a job row whose worker died must not stay "running" (its page would poll for ever).

A job has ``PINGYI_JOB_TIMEOUT`` seconds; then django-q kills its worker process. So a row still running
``PINGYI_JOB_STALE_SECONDS`` (the time limit and a minute) after it started has no worker left, whatever happened
(``kill -9``, a lost host, the time limit): the reaper marks it failed with ``WORKER_STOPPED`` and an audit entry,
and it can be retried from its page or with ``pingyi jobs retry``.

A queued row older than that while the broker's queue is empty lost its task (the Redis broker drops the tasks a
killed cluster had prefetched; the ORM broker hands them on by itself): the reaper queues its task again. A task
delivered twice does no harm: the runners claim a job (queued → running) in one statement.

The worker runs ``reap`` every five minutes (``pingyi.ops.tasks``); ``pingyi jobs reap`` runs it by hand.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from pingyi.accounts.roles import SystemActor
from pingyi.audit.services import audit_record
from pingyi.ops.jobrows import KINDS, JobKind
from pingyi.ops.queue import queue_depth

log = logging.getLogger(__name__)
WORKER_STOPPED = "工作进程已停止"
ACTOR = SystemActor("reaper")


@dataclass(frozen=True)
class Reaped:
    kind: str
    pk: int
    action: str  # "failed" or "requeued"


def stale_before(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(seconds=int(settings.PINGYI_OPS["job_stale_seconds"]))


def _fail(kind: JobKind, pk: int, cutoff: datetime, now: datetime) -> bool:
    reason = f"{WORKER_STOPPED}：超过 {settings.PINGYI_OPS['job_stale_seconds']} 秒仍未完成，可重试"
    with transaction.atomic():
        changed = (
            kind.rows()
            .filter(pk=pk, status=kind.running, **{f"{kind.started_field}__lt": cutoff})
            .update(status=kind.failed, finished_at=now, **{kind.reason_field: reason})
        )
        if not changed:
            return False  # it finished meanwhile
        row = kind.rows().get(pk=pk)
        if kind.name == "import":
            kind.rows().filter(pk=pk).update(
                errors=[{"row": 0, "column": "", "message": reason}], error_count=1
            )
        audit_record(
            actor=ACTOR,
            action=f"job.{kind.name}.abandon",
            obj=row,
            district_id=getattr(row, "district_id", None),
            before={"status": kind.running},
            after={"status": kind.failed, "reason": reason},
        )
    return True


def reap(now: datetime | None = None) -> list[Reaped]:
    """Fail the stale running rows of every kind, queue again the stale queued ones; returns what it did."""
    now = now or timezone.now()
    cutoff = stale_before(now)
    done: list[Reaped] = []
    for kind in KINDS.values():
        stale = kind.rows().filter(status=kind.running, **{f"{kind.started_field}__lt": cutoff})
        for pk in list(stale.values_list("pk", flat=True)):
            if _fail(kind, pk, cutoff, now):
                log.warning("%s %s: %s, marked failed", kind.name, pk, WORKER_STOPPED)
                done.append(Reaped(kind.name, pk, "failed"))
    lost = [
        (kind, pk)
        for kind in KINDS.values()
        if kind.queued is not None and kind.enqueue is not None
        for pk in kind.rows().filter(status=kind.queued, created_at__lt=cutoff).values_list("pk", flat=True)
    ]
    if lost and queue_depth() == 0:
        for kind, pk in lost:
            assert kind.enqueue is not None
            kind.enqueue(kind.rows().get(pk=pk))
            log.warning("%s %s: queued for %s s with an empty queue, queued again", kind.name, pk, cutoff)
            done.append(Reaped(kind.name, pk, "requeued"))
    return done
