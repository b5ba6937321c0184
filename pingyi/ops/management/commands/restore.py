"""`pingyi restore FILE [--force]`: restore an archive of `pingyi backup` into an empty database and home."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pingyi.ops.backup.archive import backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup: every part is checked against its SHA-256 first; the database and PINGYI_HOME must be "
        "empty (--force replaces them); afterwards the migration state is checked against the manifest."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--force", action="store_true", help="replace a database and home that are not empty"
        )

    def handle(self, *args: object, **options: object) -> None:
        archive = options["archive"]
        assert isinstance(archive, Path)
        if not archive.is_file():
            raise CommandError(f"no such archive: {archive}")
        restored = backup_restore(archive, force=bool(options["force"]))
        manifest = restored.manifest
        self.stdout.write(
            f"restored {archive}: pingyi {manifest['pingyi_version']}, {manifest['database']['vendor']} database "
            f"of {manifest['created_at']}, {restored.files} files into PINGYI_HOME"
        )
        self.stdout.write("migration state matches the manifest")
        for note in restored.notes:
            self.stdout.write(f"  {note}")
        if restored.unknown_migrations:
            self.stderr.write(
                "this code does not know migrations the backup has applied (it is older than the backup): "
                + ", ".join(restored.unknown_migrations)
            )
        if restored.pending_migrations:
            self.stdout.write(
                f"{len(restored.pending_migrations)} newer migrations of this code are not applied yet: "
                "run `pingyi migrate`"
            )
        self.stdout.write("next: `pingyi audit verify`")
