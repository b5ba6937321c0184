"""Builders for import files, a fingerprint of the catalogue, and a `pingyi` subprocess that sees the test database."""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from pingyi.catalog.models import District, DutyShift, Hall, ServiceItem, Staff, Unit, Window, WindowHours

Rows = list[list[Any]]

CATALOGUE_MODELS = (
    District,
    Hall,
    Unit,
    Window,
    WindowHours,
    Staff,
    DutyShift,
    ServiceItem,
    ServiceItem.windows.through,
)


def write_csv(path: Path, rows: Rows, encoding: str = "utf-8") -> Path:
    """Write rows as CSV in ``encoding`` ("utf-8-sig" adds the BOM Excel writes)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: Rows) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def write_file(path: Path, rows: Rows, fmt: str) -> Path:
    """``fmt`` is "xlsx" or a CSV encoding."""
    if fmt == "xlsx":
        return write_xlsx(path.with_suffix(".xlsx"), rows)
    return write_csv(path.with_suffix(".csv"), rows, fmt)


def catalogue_state() -> dict[str, list[dict[str, Any]]]:
    """Every row of every catalogue table: equal before and after means the database did not change."""
    return {model._meta.db_table: list(model.objects.order_by("pk").values()) for model in CATALOGUE_MODELS}


def catalogue_counts() -> dict[str, int]:
    return {model._meta.db_table: model.objects.count() for model in CATALOGUE_MODELS}


class LiveDatabase:
    """Lets a real `pingyi` subprocess work on the test database (tests using it need ``transactional_db``).

    PostgreSQL: the subprocess connects to the test database itself. SQLite: the test database lives in memory, so
    ``export()`` copies it into a file for the subprocess and ``reimport()`` copies the file back afterwards.
    """

    def __init__(self, tmp_path: Path) -> None:
        self.file = tmp_path / "live.sqlite3"

    @property
    def is_sqlite(self) -> bool:
        return connection.vendor == "sqlite"

    def url(self) -> str:
        if self.is_sqlite:
            return f"sqlite:///{self.file}"
        s = connection.settings_dict
        auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
        return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"

    def export(self) -> None:
        if not self.is_sqlite:
            return
        connection.ensure_connection()
        self.file.unlink(missing_ok=True)
        target = sqlite3.connect(self.file)
        try:
            connection.connection.backup(target)
        finally:
            target.close()

    def reimport(self) -> None:
        if not self.is_sqlite:
            return
        source = sqlite3.connect(self.file)
        try:
            source.backup(connection.connection)
        finally:
            source.close()

    def pingyi(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run `.venv/bin/pingyi ARGS` against the test database and return its exit code and output."""
        self.export()
        env = {
            **os.environ,
            "PINGYI_HOME": str(settings.HOME),
            "PINGYI_DATABASE_URL": self.url(),
            "PINGYI_DB_CONN_MAX_AGE": "0",
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        script = Path(sys.executable).with_name("pingyi")
        result = subprocess.run(  # noqa: S603
            [str(script), *args], env=env, capture_output=True, text=True, timeout=120, check=False
        )
        connection.ensure_connection()
        self.reimport()
        return result
