"""Which files under PINGYI_HOME a backup carries, and whether a home is empty enough to restore into.

Everything pingyi writes there is carried (a new folder too), except what is rebuilt or carried otherwise: the
keys (their own part), the SQLite database and its journal files (copied consistently as the database part),
``static/`` (``collectstatic`` output), ``metrics/`` (a running server's counters) and ``backups/``.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import connection

SKIPPED_FOLDERS = frozenset({"static", "metrics", "backups"})
SKIPPED_FILES = frozenset({"keys.json", "keys.tmp"})


def _database_files() -> set[Path]:
    if connection.vendor != "sqlite":
        return set()
    name = Path(str(connection.settings_dict["NAME"])).resolve()
    return {name, *(name.with_name(name.name + suffix) for suffix in ("-wal", "-shm", "-journal"))}


def _skipped(relative: Path, path: Path, database: set[Path], also: set[Path]) -> bool:
    if relative.parts[0] in SKIPPED_FOLDERS or relative.name.startswith("keys.json.before-restore"):
        return True
    return (len(relative.parts) == 1 and relative.name in SKIPPED_FILES) or path in database or path in also


def home_files(home: Path, *, leave_out: list[Path] | None = None) -> list[Path]:
    """The files to carry, relative to the home, sorted."""
    database = _database_files()
    also = {p.resolve() for p in leave_out or []}
    found = []
    for path in sorted(home.rglob("*")):
        if path.is_file() and not path.is_symlink():
            relative = path.relative_to(home)
            if not _skipped(relative, path.resolve(), database, also):
                found.append(relative)
    return found


def home_is_empty(home: Path) -> bool:
    """Nothing a backup would carry is there yet (keys.json and static/ appear when pingyi first starts)."""
    return not home.exists() or not home_files(home)


def upload_root() -> Path:
    return Path(settings.UPLOAD_ROOT).resolve()
