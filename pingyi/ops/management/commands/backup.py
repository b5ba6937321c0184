"""`pingyi backup [--output FILE] [--include-keys]`: database, keys and PINGYI_HOME's files in one archive."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from pingyi.ops.backup.archive import backup_create


class Command(BaseCommand):
    help = (
        "Write one archive with the database (a consistent online copy), the keys when they live in "
        "PINGYI_HOME/keys.json, and the files under PINGYI_HOME; a manifest gives a SHA-256 per part."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", type=Path, help="the archive to write (default: pingyi-backup-<time>.tar.gz here)"
        )
        parser.add_argument(
            "--include-keys",
            action="store_true",
            help="also put keys set in the environment (PINGYI_*_KEY, *_KEY_FILE) into the archive",
        )

    def handle(self, *args: object, **options: object) -> None:
        output = options["output"] or Path(f"pingyi-backup-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz")
        assert isinstance(output, Path)
        written = backup_create(output, include_keys=bool(options["include_keys"]))
        manifest = written.manifest
        files = sum(1 for name in written.parts if name.startswith("home/"))
        size = written.path.stat().st_size
        self.stdout.write(f"backup written: {written.path} ({size // 1024} KiB)")
        self.stdout.write(f"  database: {manifest['database']['vendor']} ({manifest['database']['tool']})")
        keys = manifest["keys"]
        self.stdout.write(
            "  keys: in the archive"
            if keys["in_archive"]
            else "  keys: NOT in the archive (set in the environment; "
            "keep them with the backup, or pass --include-keys)"
        )
        self.stdout.write(f"  files from PINGYI_HOME: {files}")
        self.stdout.write(f"  migrations: {sum(len(v) for v in manifest['migrations'].values())} applied")
