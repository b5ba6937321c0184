"""Run an import job: validate every row first, then write all of them in one transaction, or none.

A plain kind gets every validated row in one list; a ``StreamingKind`` gets them in chunks for its staging area, so
a file of any size is checked and written with flat memory.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import DatabaseError, transaction
from django.utils import timezone

from pingyi.accounts.roles import SYSTEM
from pingyi.audit.services import audit_record
from pingyi.imports.kinds import (
    ImportKind,
    RowErrors,
    StreamingKind,
    extra_key,
    get_kind,
    is_extra_key,
    normalize_header,
)
from pingyi.imports.models import ImportJob
from pingyi.imports.reader import TableError, open_table
from pingyi.lib import crypto

MAX_STORED_ERRORS = 500
PROGRESS_EVERY_SECONDS = 0.5
MERGED_HINT = "表头中有空白单元格（可能是合并单元格或标题行）：第一行须为表头，每列一个列名，不要合并单元格"


def _map_headers(kind: ImportKind, headers: list[str]) -> tuple[dict[str, int], list[dict[str, Any]]]:
    """Where each column is. A column found under two headers (统一社会信用代码 and 单位名称, 经办人工号 and 经办人)
    is read from the first; the others are handed to the kind as ``extra_key(key, header)`` to check against it."""
    custom = kind.map_headers(headers)
    if custom is not None:
        return custom
    positions: dict[str, int] = {}
    normalized = [normalize_header(h) for h in headers]
    errors: list[dict[str, Any]] = []
    for column in kind.columns:
        names = {normalize_header(column.label), *(normalize_header(a) for a in column.aliases)}
        found = [i for i, h in enumerate(normalized) if h in names]
        if len({normalized[i] for i in found}) < len(found):
            errors.append(
                {"row": 1, "column": column.label, "message": f"表头中“{headers[found[0]]}”出现了多次"}
            )
        elif found:
            positions[column.key] = found[0]
            for i in found[1:]:
                positions[extra_key(column.key, headers[i])] = i
        elif column.required:
            errors.append({"row": 1, "column": column.label, "message": f"缺少必填列“{column.label}”"})
    if not errors:
        present = {key for key in positions if not is_extra_key(key)}
        errors = [{"row": 1, "column": c, "message": m} for c, m in kind.check_headers(present)]
    last_filled = max((i for i, h in enumerate(normalized) if h), default=-1)
    if errors and (last_filled == 0 or any(not h for h in normalized[: last_filled + 1])):
        errors.insert(0, {"row": 1, "column": "", "message": MERGED_HINT})
    return positions, errors


def _fail(job: ImportJob, errors: list[dict[str, Any]], count: int, message: str) -> ImportJob:
    job.status = ImportJob.Status.FAILED
    job.errors = errors[:MAX_STORED_ERRORS]
    job.error_count = count
    job.message = message
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "errors", "error_count", "message", "finished_at", "processed_rows"])
    return job


def run_import_job(job_id: int, progress: Callable[[int, int], None] | None = None) -> ImportJob:
    """Run the job; ``progress(rows checked, total rows)`` is called twice a second (the command line shows it).

    Only a queued job runs: the worker claims it (queued → running) in one statement, so a task delivered twice (the
    broker hands a task whose worker died to another one) or a job the reaper gave up on is left alone."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now()
    )
    job = ImportJob.objects.select_related("actor", "district").get(pk=job_id)
    if not claimed:
        return job
    kind = get_kind(job.kind)(job)
    try:
        return _run(job, kind, progress)
    except Exception:
        # Whatever went wrong, the job must not stay "running" (its page would poll forever).
        _fail(
            job,
            [{"row": 0, "column": "", "message": "导入时发生内部错误，未导入任何数据"}],
            1,
            "导入失败，未导入任何数据",
        )
        raise
    finally:
        if isinstance(kind, StreamingKind):
            kind.close()


class _Collector:
    """Where validated rows go: one list for a plain kind, chunks into the staging area for a streaming one."""

    def __init__(self, kind: ImportKind) -> None:
        self.kind = kind
        self.streaming = isinstance(kind, StreamingKind)
        self.rows: list[Any] = []
        self.count = 0

    def add(self, prepared: Any, healthy: bool) -> None:
        self.count += 1
        if not healthy:
            # Once a row failed nothing will be written: keep checking the rest, stop collecting.
            self.rows.clear()
            return
        self.rows.append(prepared)
        if self.streaming and len(self.rows) >= self.kind.chunk_size:  # type: ignore[attr-defined]
            self.flush()

    def flush(self) -> None:
        if self.streaming and self.rows:
            self.kind.stage(self.rows)  # type: ignore[attr-defined]
            self.rows = []


def _run(job: ImportJob, kind: ImportKind, progress: Callable[[int, int], None] | None) -> ImportJob:
    kind.prepare()
    errors: list[dict[str, Any]] = []
    error_count = 0
    collector = _Collector(kind)
    try:
        with open_table(Path(job.file_path), job.original_name) as table:
            positions, header_errors = _map_headers(kind, table.headers)
            if header_errors:
                return _fail(job, header_errors, len(header_errors), "表头不符合模板，未导入任何数据")
            job.total_rows = table.total_rows or 0
            job.save(update_fields=["total_rows"])
            last_progress = time.monotonic()
            row_no = 1
            items = list(positions.items())
            for row_no, row in enumerate(table.rows, start=2):
                if not any(row):
                    continue
                width = len(row)
                values = {key: (row[i] if i < width else "") for key, i in items}
                try:
                    collector.add(kind.validate(row_no, values), healthy=not error_count)
                except RowErrors as exc:
                    error_count += len(exc.problems)
                    collector.add(None, healthy=False)
                    if len(errors) < MAX_STORED_ERRORS:
                        errors.extend({"row": row_no, "column": c, "message": m} for c, m in exc.problems)
                if time.monotonic() - last_progress > PROGRESS_EVERY_SECONDS:
                    ImportJob.objects.filter(pk=job.pk).update(processed_rows=row_no - 1)
                    if progress is not None:
                        progress(row_no - 1, job.total_rows)
                    last_progress = time.monotonic()
            job.processed_rows = row_no - 1
    except TableError as exc:
        return _fail(job, [{"row": 0, "column": "", "message": str(exc)}], 1, str(exc))
    if not error_count and isinstance(kind, StreamingKind):
        collector.flush()
        error_count, errors = kind.check(MAX_STORED_ERRORS)
    if error_count:
        return _fail(job, errors, error_count, f"发现 {error_count} 处错误，未导入任何数据；请改正后重新上传")
    if not collector.count:
        return _fail(job, [{"row": 0, "column": "", "message": "文件中没有数据行"}], 1, "文件中没有数据行")
    return _commit(job, kind, collector.rows)


def _commit(job: ImportJob, kind: ImportKind, prepared: list[Any]) -> ImportJob:
    try:
        with transaction.atomic():
            if isinstance(kind, StreamingKind):
                created, updated, summary = kind.commit_staged()
            else:
                created, updated, summary = kind.commit(prepared)
            job.status = ImportJob.Status.DONE
            job.created_count, job.updated_count = created, updated
            handout = kind.handout()
            if handout:
                job.handout = crypto.encrypt(json.dumps(handout, ensure_ascii=False))
            job.message = kind.done_message(created, updated)
            job.finished_at = timezone.now()
            job.save()
            audit_record(
                actor=job.actor or SYSTEM,
                action=f"import.{job.kind}",
                obj=job,
                after={"file": job.original_name, "created": created, "updated": updated, **summary},
            )
    except DatabaseError as exc:
        return _fail(
            job,
            [{"row": 0, "column": "", "message": f"写入数据库失败：{exc}"}],
            1,
            "写入失败，未导入任何数据",
        )
    return job
