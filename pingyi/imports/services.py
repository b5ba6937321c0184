"""Starting an import: keep the uploaded file under PINGYI_HOME/uploads and queue the job."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_q.tasks import async_task

from pingyi.accounts.scopes import can_edit
from pingyi.audit.services import audit_record
from pingyi.catalog.models import District
from pingyi.imports.kinds import get_kind
from pingyi.imports.models import ImportJob


def _store(stream: IO[bytes], original_name: str) -> tuple[Path, int]:
    folder = Path(settings.UPLOAD_ROOT)
    folder.mkdir(parents=True, exist_ok=True)
    suffix = Path(original_name).suffix.lower()[:10]
    target = folder / f"{uuid.uuid4().hex}{suffix}"
    with target.open("wb") as out:
        shutil.copyfileobj(stream, out, length=1 << 20)
    return target, target.stat().st_size


def import_job_create(
    *,
    actor: Any,
    kind: str,
    stream: IO[bytes],
    original_name: str,
    district: District | None = None,
    enqueue: bool = True,
) -> ImportJob:
    """Store the file, record the job and queue it for the worker (``enqueue=False``: the caller runs it)."""
    kind_class = get_kind(kind)
    model = getattr(kind_class, "model", None)
    if actor is not None and model is not None and not can_edit(actor, model):
        raise PermissionDenied("您的角色不能导入此类数据")
    district = district or (actor.district if actor is not None else None)
    if district is None:
        raise ValidationError("请指定区")
    path, size = _store(stream, original_name)
    if size > settings.PINGYI_MAX_IMPORT_BYTES:
        path.unlink(missing_ok=True)
        raise ValidationError(
            f"文件过大（{size // (1024 * 1024)} MB），上限为 {settings.PINGYI_MAX_IMPORT_BYTES // (1024 * 1024)} MB"
        )
    with transaction.atomic():
        job = ImportJob.objects.create(
            kind=kind,
            district=district,
            actor=actor,
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
            transaction.on_commit(
                lambda: async_task(
                    "pingyi.imports.runner.run_import_job", job.pk, task_name=f"import-{job.pk}"
                )
            )
    return job
