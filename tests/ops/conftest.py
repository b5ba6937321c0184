"""Builders of the operations tests: ratings and a ticket in the world's district, an import job with its file, and
the environment and runner of `pingyi` subprocesses (the worker, restore, audit verify) on a database of their own."""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from pingyi.imports.models import ImportJob
from pingyi.imports.services import import_job_create
from pingyi.lib.scales import Channel, Scale
from pingyi.ratings.intake import RatingInput, rating_submit
from pingyi.tickets.services import ticket_open_for_rating
from tests.conftest import credit

PINGYI = str(Path(sys.executable).with_name("pingyi"))
REPO = Path(__file__).resolve().parents[2]


def rate(world: Any, level: int, channel: Channel = Channel.QR, minutes_ago: int = 5, **extra: Any) -> Any:
    return rating_submit(
        RatingInput(
            channel=channel,
            scale=Scale.FIVE,
            level=level,
            window=world.window_a,
            rated_at=timezone.now() - timedelta(minutes=minutes_ago),
            **extra,
        )
    )


@pytest.fixture
def made(world: Any) -> dict[str, Any]:
    """Three QR ratings, one operator-entered hotline one, a 差评 with its ticket, and a units import done."""
    from pingyi.imports.runner import run_import_job

    for n in range(3):
        rate(world, 5, minutes_ago=30 + n)
    rate(world, 4, channel=Channel.HOTLINE, entered_by=world.users["operator"])
    negative = rate(world, 2, tags=["214"], comment="窗口无人", phone="13912345678", minutes_ago=8)
    ticket = ticket_open_for_rating(negative)
    job = import_job(world, rows=2)
    run_import_job(job.pk)
    return {"negative": negative, "ticket": ticket, "job": job}


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on now (for a `pingyi serve` subprocess)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def units_csv(rows: int, prefix: str = "X", first: int = 100000) -> bytes:
    lines = ["单位编码,单位名称,统一社会信用代码,所在大厅,参评"]
    lines += [f"{prefix}{n:06d},导入单位{prefix}{n},{credit(first + n)},H01,是" for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def import_job(world: Any, rows: int = 2, *, enqueue: bool = False) -> ImportJob:
    return import_job_create(
        actor=world.users["hall_manager"],
        kind="units",
        stream=io.BytesIO(units_csv(rows)),
        original_name="units.csv",
        enqueue=enqueue,
    )


def _child_env(home: Path, database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a `pingyi` subprocess: its own home and database, pingyi's settings, no inherited keys."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("PINGYI_") and k != "DJANGO_SETTINGS_MODULE"
    }
    env.update({"PINGYI_HOME": str(home), "PINGYI_HTTPS": "0", "PYTHONPATH": str(REPO), **extra})
    if database_url:
        env["PINGYI_DATABASE_URL"] = database_url
    return env


def _pingyi(
    env: dict[str, str], *args: str, check: bool = True, timeout: int = 300
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(  # noqa: S603
        [PINGYI, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False, cwd=REPO
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"pingyi {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
        )
    return result


@pytest.fixture
def child_env() -> Any:
    return _child_env


@pytest.fixture
def pingyi() -> Any:
    """Run `pingyi ARGS` in a subprocess with the given environment; fails the test on a non-zero exit."""
    return _pingyi


@pytest.fixture
def new_import_job(world: Any) -> Any:
    return lambda rows=2, enqueue=False: import_job(world, rows, enqueue=enqueue)


def _server_url() -> str:
    s = connection.settings_dict
    user = s.get("USER") or "postgres"
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}"


@pytest.fixture
def fresh_database_url(tmp_path: Path) -> Iterator[str]:
    """An empty database beside the test's own: a new SQLite file, or a new PostgreSQL database (dropped after)."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    name = f"pingyi_ops_{uuid.uuid4().hex[:10]}"
    server = _server_url()
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
