"""The apps' own job rows, as the reaper and ``pingyi jobs`` see them: import jobs, reports, comparison runs.

Each kind says which field holds when it began running, its statuses, how to queue its task again and how to retry
a failed one (the retry itself is the app's service: the pages call the same function).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models

from pingyi.accounts.roles import Actor
from pingyi.imports.models import ImportJob
from pingyi.imports.services import import_job_enqueue, import_job_retry
from pingyi.oversight.models import ComparisonRun
from pingyi.oversight.services import comparison_retry
from pingyi.reports.models import Report
from pingyi.reports.services import report_enqueue, report_retry


@dataclass(frozen=True)
class JobKind:
    name: str
    model: type[models.Model]
    started_field: str
    running: str
    failed: str
    reason_field: str  # where the reaper writes why it gave up
    retry: Callable[..., Any]  # retry(actor=..., row) → the row (or a new one) queued again
    queued: str | None = (
        None  # None: the kind has no queued status (a comparison run is "running" from the start)
    )
    enqueue: Callable[[Any], None] | None = None

    def rows(self) -> models.QuerySet[Any]:
        return self.model._default_manager.all()


def _retry_import(*, actor: Actor, row: ImportJob) -> ImportJob:
    return import_job_retry(actor=actor, job=row)


def _retry_report(*, actor: Actor, row: Report) -> Report:
    return report_retry(actor=actor, report=row)


def _retry_comparison(*, actor: Actor, row: ComparisonRun) -> ComparisonRun:
    return comparison_retry(actor=actor, run=row)


KINDS: dict[str, JobKind] = {
    "import": JobKind(
        name="import",
        model=ImportJob,
        started_field="started_at",
        queued=ImportJob.Status.QUEUED,
        running=ImportJob.Status.RUNNING,
        failed=ImportJob.Status.FAILED,
        reason_field="message",
        retry=_retry_import,
        enqueue=import_job_enqueue,
    ),
    "report": JobKind(
        name="report",
        model=Report,
        started_field="started_at",
        queued=Report.Status.QUEUED,
        running=Report.Status.RUNNING,
        failed=Report.Status.FAILED,
        reason_field="message",
        retry=_retry_report,
        enqueue=report_enqueue,
    ),
    "comparison": JobKind(
        name="comparison",
        model=ComparisonRun,
        started_field="started_at",
        running=ComparisonRun.Status.RUNNING,
        failed=ComparisonRun.Status.FAILED,
        reason_field="error",
        retry=_retry_comparison,
    ),
}
