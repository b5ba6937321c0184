"""The database part of a backup: a consistent online copy out, a restore into an empty database in.

- SQLite: the sqlite3 backup API copies the open database page by page inside one read transaction (WAL mode lets
  writers go on meanwhile), so the copy is one moment's state; restoring puts the file in place of the configured
  one (after closing every connection; its ``-wal``/``-shm`` files are removed).
- PostgreSQL: ``pg_dump -Fc`` (one snapshot, online) and ``pg_restore --single-transaction --no-owner
  --no-privileges --exit-on-error``. Both connect with the configured database's parameters, passed to libpq in
  its ``PG*`` environment variables (the password never appears on a command line). Run them against the primary,
  not through a pooler in transaction mode.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import CommandError
from django.db import connection, connections

# The OPTIONS of a PostgreSQL URL that libpq also reads from the environment.
_LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
    "options": "PGOPTIONS",
    "passfile": "PGPASSFILE",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}


def vendor() -> str:
    return connection.vendor


def part_name() -> str:
    return "database/pingyi.sqlite3" if vendor() == "sqlite" else "database/pingyi.pgdump"


def _libpq_env() -> dict[str, str]:
    s = connection.settings_dict
    env = {**os.environ, "PGDATABASE": str(s["NAME"])}
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if s.get(key):
            env[variable] = str(s[key])
    for key, value in (s.get("OPTIONS") or {}).items():
        if key in _LIBPQ_OPTIONS:
            env[_LIBPQ_OPTIONS[key]] = str(value)
    return env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise CommandError(f"{name} not found: install the PostgreSQL client (Debian: postgresql-client)")
    return found


def _run(command: list[str]) -> str:
    result = subprocess.run(command, env=_libpq_env(), capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise CommandError(
            f"{Path(command[0]).name} failed ({result.returncode}): {result.stderr.strip()[-2000:]}"
        )
    return result.stdout


def dump(target: Path) -> str:
    """Write a consistent copy of the database to ``target``; returns how it was made."""
    if vendor() == "sqlite":
        connection.ensure_connection()
        source = connection.connection
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
        return f"sqlite3 backup API (SQLite {sqlite3.sqlite_version})"
    if vendor() == "postgresql":
        tool = _tool("pg_dump")
        _run([tool, "--format=custom", "--file", str(target)])
        return _run([tool, "--version"]).strip() + " --format=custom"
    raise CommandError(f"backing up a {vendor()} database is not supported")


def is_empty() -> bool:
    return not connection.introspection.table_names()


def _drop_everything() -> None:
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE")


def restore(source: Path, *, stamp: str) -> None:
    """Load the copy into the configured database (which must be empty, or is emptied first under --force)."""
    if vendor() == "sqlite":
        name = Path(str(connection.settings_dict["NAME"]))
        holds_data = not is_empty()
        connections.close_all()
        if holds_data:  # only under --force: kept beside, never deleted
            name.replace(name.with_name(f"{name.name}.before-restore-{stamp}"))
        for suffix in ("-wal", "-shm", "-journal"):
            name.with_name(name.name + suffix).unlink(missing_ok=True)
        name.parent.mkdir(parents=True, exist_ok=True)
        temporary = name.with_name(name.name + ".restoring")
        shutil.copyfile(source, temporary)
        temporary.replace(name)
        return
    if vendor() == "postgresql":
        replacing = not is_empty()
        # --force: every table goes, and pg_restore drops the archive's other objects (functions) first.
        if replacing:
            _drop_everything()
        connections.close_all()
        _run(
            [
                _tool("pg_restore"),
                *(["--clean", "--if-exists"] if replacing else []),
                "--single-transaction",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--dbname",
                str(connection.settings_dict["NAME"]),
                str(source),
            ]
        )
        return
    raise CommandError(f"restoring into a {vendor()} database is not supported")
