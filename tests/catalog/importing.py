"""Running an import job in a test the way the worker does, and reading its refusal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pingyi.imports.models import ImportJob
from pingyi.imports.runner import run_import_job
from pingyi.imports.services import import_job_create


def run(world: Any, who: str | None, kind: str, path: Path) -> ImportJob:
    """Upload ``path`` as ``who`` (None: the command line) into the test district and run the job."""
    actor = world.users[who] if who else None
    with path.open("rb") as stream:
        job = import_job_create(
            actor=actor,
            kind=kind,
            stream=stream,
            original_name=path.name,
            district=world.district,
            enqueue=False,
        )
    return run_import_job(job.pk)


def problems(job: ImportJob) -> list[tuple[int, str, str]]:
    return [(e["row"], e["column"], e["message"]) for e in job.errors]


def refused_with(job: ImportJob, row: int, column: str, text: str) -> bool:
    assert job.status == ImportJob.Status.FAILED, job.message
    return any(r == row and c == column and text in m for r, c, m in problems(job))
