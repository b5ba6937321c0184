"""`pingyi ledger import FILE`: import service records from .xlsx or CSV (all rows or none), showing progress."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pingyi.accounts.roles import SYSTEM
from pingyi.catalog.models import District
from pingyi.imports.models import ImportJob
from pingyi.imports.runner import run_import_job
from pingyi.imports.services import import_job_create


class Command(BaseCommand):
    help = "Service-record ledger: import a file of records (.xlsx or CSV; see docs/ledger.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="import records (all rows or none; row-level errors in Chinese)")
        imp.add_argument("file", type=Path)
        imp.add_argument("--district", help="district code (default: the only district)")
        imp.add_argument("--quiet", action="store_true", help="no progress line")

    def handle(self, *args: object, **options: object) -> None:
        path = options["file"]
        assert isinstance(path, Path)
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        districts = District.objects.all()
        if options["district"]:
            districts = districts.filter(code=options["district"])
        if districts.count() != 1:
            raise CommandError("请用 --district 指定一个区（区划代码）")
        try:
            with path.open("rb") as stream:
                job = import_job_create(
                    actor=SYSTEM,
                    kind="ledger",
                    stream=stream,
                    original_name=path.name,
                    district=districts.get(),
                    enqueue=False,
                )
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from exc
        job = run_import_job(job.pk, progress=None if options["quiet"] else self._progress)
        if not options["quiet"]:
            self.stderr.write("")
        if job.status == ImportJob.Status.DONE:
            self.stdout.write(job.message)
            return
        for error in job.errors:
            where = f"第 {error['row']} 行" if error["row"] else "文件"
            column = f"「{error['column']}」" if error["column"] else ""
            self.stderr.write(f"{where}{column}：{error['message']}")
        self.stderr.write(job.message)
        sys.exit(1)

    def _progress(self, done: int, total: int) -> None:
        percent = f" {done * 100 // total}%" if total else ""
        self.stderr.write(f"\r已检查 {done} / {total} 行{percent}", ending="")
        self.stderr.flush()
