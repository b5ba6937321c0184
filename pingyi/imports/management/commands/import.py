"""`pingyi import KIND FILE`: import a catalogue file all-or-nothing, printing row-level errors."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pingyi.accounts.roles import SYSTEM
from pingyi.catalog.models import District
from pingyi.imports.kinds import all_kinds
from pingyi.imports.models import ImportJob
from pingyi.imports.runner import run_import_job
from pingyi.imports.services import import_job_create, import_job_handout_take


class Command(BaseCommand):
    help = (
        "Import halls, units, windows, staff, items, rosters or users from .xlsx or CSV (all rows or none)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(all_kinds()))
        parser.add_argument("file", type=Path)
        parser.add_argument("--district", help="district code (default: the only district)")

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
        with path.open("rb") as stream:
            job = import_job_create(
                actor=SYSTEM,
                kind=str(options["kind"]),
                stream=stream,
                original_name=path.name,
                district=districts.get(),
                enqueue=False,
            )
        job = run_import_job(job.pk)
        if job.status == ImportJob.Status.DONE:
            self.stdout.write(job.message)
            handout = import_job_handout_take(actor=None, job=job)
            if handout:
                self.stdout.write("一次性密码只显示这一次（首次登录须修改）：")
                for row in handout:
                    self.stdout.write("\t".join(row))
            return
        for error in job.errors:
            where = f"第 {error['row']} 行" if error["row"] else "文件"
            column = f"「{error['column']}」" if error["column"] else ""
            self.stderr.write(f"{where}{column}：{error['message']}")
        self.stderr.write(job.message)
        sys.exit(1)
