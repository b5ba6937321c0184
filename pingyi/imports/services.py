"""Starting an import: keep the uploaded file under PINGYI_HOME/uploads and queue the job."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_q.tasks import async_task

from pingyi.accounts.models import User
from pingyi.accounts.roles import SYSTEM, Actor, as_actor, is_system, person
from pingyi.accounts.scopes import can_edit
from pingyi.audit.services import audit_record
from pingyi.catalog.models import District
from pingyi.imports.kinds import get_kind
from pingyi.imports.models import ImportJob
from pingyi.lib import crypto


def _store(stream: IO[bytes], original_name: str, limit: int) -> tuple[Path, int]:
    """Copy the upload under UPLOAD_ROOT; stop at ``limit`` bytes (the caller refuses a bigger file)."""
    folder = Path(settings.UPLOAD_ROOT)
    folder.mkdir(parents=True, exist_ok=True)
    suffix = Path(original_name).suffix.lower()[:10]
    target = folder / f"{uuid.uuid4().hex}{suffix}"
    size = 0
    with target.open("wb") as out:
        while chunk := stream.read(1 << 20):
            size += len(chunk)
            if size > limit:
                break
            out.write(chunk)
    return target, size


def _known_size(stream: IO[bytes]) -> int | None:
    """An upload's declared size, or an open file's size on disk; None when the stream does not tell."""
    size = getattr(stream, "size", None)
    if isinstance(size, int):
        return size
    try:
        return os.fstat(stream.fileno()).st_size
    except (AttributeError, OSError, ValueError):
        return None


def _too_big(size: int | None, limit: int) -> str:
    shown = f"{size // (1024 * 1024)} MB" if size is not None else f"超过 {limit // (1024 * 1024)} MB"
    return f"文件过大（{shown}），上限为 {limit // (1024 * 1024)} MB；请拆分为多个文件后分别导入"


def import_job_create(
    *,
    actor: Actor,
    kind: str,
    stream: IO[bytes],
    original_name: str,
    district: District | None = None,
    enqueue: bool = True,
) -> ImportJob:
    """Store the file, record the job and queue it for the worker (``enqueue=False``: the caller runs it)."""
    kind_class = get_kind(kind)
    model = getattr(kind_class, "model", None)
    actor = as_actor(actor)  # untyped callers may still pass None for the command line
    if not is_system(actor) and model is not None and not can_edit(actor, model):
        raise PermissionDenied("您的角色不能导入此类数据")
    district = district or (actor.district if isinstance(actor, User) else None)
    if district is None and District.objects.count() == 1:  # a superuser of a one-district installation
        district = District.objects.get()
    if district is None:
        raise ValidationError("请指定区")
    limit = settings.PINGYI_MAX_IMPORT_BYTES
    known = _known_size(stream)  # refuse a file known to be too big before copying it
    if known is not None and known > limit:
        raise ValidationError(_too_big(known, limit))
    path, size = _store(stream, original_name, limit)
    if size > limit:
        path.unlink(missing_ok=True)
        raise ValidationError(_too_big(None, limit))
    with transaction.atomic():
        job = ImportJob.objects.create(
            kind=kind,
            district=district,
            actor=person(actor),
            file_path=str(path),
            original_name=original_name[:255],
            size=size,
        )
        audit_record(
            actor=actor,
            action="import_job.create",
            obj=job,
            after={"kind": kind, "file": job.original_name, "size": size},
        )
        if enqueue:
            transaction.on_commit(lambda: import_job_enqueue(job))
    return job


@transaction.atomic
def import_job_handout_take(*, actor: User | None, job: ImportJob) -> list[list[str]]:
    """What the job hands its importer (one-time passwords), once: decrypted, emptied, and the showing logged.
    Only the person who started the job (or, for a job of the command line, the command line) receives it."""
    locked = ImportJob.objects.select_for_update().get(pk=job.pk)
    if not locked.handout or locked.actor_id != (actor.pk if actor is not None else None):
        return []
    rows: list[list[str]] = json.loads(crypto.decrypt(locked.handout))
    locked.handout = ""
    locked.save(update_fields=["handout"])
    job.handout = ""
    audit_record(
        actor=actor or SYSTEM, action="import_job.handout", obj=locked, after={"rows": max(len(rows) - 1, 0)}
    )
    return rows


def import_job_enqueue(job: ImportJob) -> None:
    """Queue the job's task for the worker (a second task of the same job does nothing: the runner claims it)."""
    async_task("pingyi.imports.runner.run_import_job", job.pk, task_name=f"import-{job.pk}")


def import_job_retry(*, actor: Actor, job: ImportJob) -> ImportJob:
    """Run a failed job again from its stored file: back to queued, the counts cleared, queued for the worker."""
    if job.status != ImportJob.Status.FAILED:
        raise ValidationError("只有失败的导入任务可以重试")
    if not Path(job.file_path).exists():
        raise ValidationError("导入文件已不存在，请重新上传")
    with transaction.atomic():
        before = {"status": job.status, "message": job.message}
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.QUEUED,
            total_rows=0,
            processed_rows=0,
            created_count=0,
            updated_count=0,
            error_count=0,
            errors=[],
            message="",
            started_at=None,
            finished_at=None,
        )
        job.refresh_from_db()
        audit_record(
            actor=actor, action="import_job.retry", obj=job, before=before, after={"status": job.status}
        )
        transaction.on_commit(lambda: import_job_enqueue(job))
    return job
