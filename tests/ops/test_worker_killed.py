"""A worker killed mid-job leaves nothing locked for long: a real `pingyi worker` runs a long import, is killed with
SIGKILL (its whole process group, as when a host dies), and then: the reaper marks the import failed with the reason,
a retry runs it again on a new worker, and the job that waited behind it (already handed to the dead worker) is
picked up by the new worker once the broker's lock on it expires (``PINGYI_JOB_RETRY``).

The ORM broker on the suite's database vendor (a fresh SQLite file or a fresh PostgreSQL database).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.ops.conftest import PINGYI, REPO, units_csv

SETUP = """
from pingyi.catalog.models import District, Hall
from pingyi.imports.services import import_job_create
district = District.objects.create(code="420113", name="测试区")
Hall.objects.create(district=district, code="H01", name="区市民服务中心")
for name in ("long.csv", "short.csv"):
    with open(FOLDER + "/" + name, "rb") as stream:
        job = import_job_create(actor=None, kind="units", stream=stream, original_name=name, district=district)
    print(job.pk)
"""


def _reader(url: str) -> Callable[[str], list[tuple[Any, ...]]]:
    def read(sql: str) -> list[tuple[Any, ...]]:
        if url.startswith("sqlite"):
            with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
                return db.execute(sql).fetchall()
        with psycopg.connect(url) as db:
            return db.execute(sql).fetchall()

    return read


def _wait(what: str, test: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if test():
            return
        time.sleep(0.1)
    pytest.fail(f"waited {seconds:.0f} s for {what}")


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603
        [PINGYI, "worker"],
        env=env,
        cwd=REPO,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _kill(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=30)


@pytest.mark.django_db(transaction=True)
def test_a_job_of_a_killed_worker_fails_with_its_reason_is_retried_and_the_next_job_is_picked_up(
    tmp_path, fresh_database_url, child_env, pingyi
):
    env = child_env(
        tmp_path / "home",
        fresh_database_url,
        PINGYI_WORKERS="1",
        PINGYI_JOB_TIMEOUT="30",
        PINGYI_JOB_RETRY="35",
    )
    # By hand the reaper is told the time limit is one second, so it need not wait a minute for the dead worker.
    reaper_env = {**env, "PINGYI_JOB_STALE_SECONDS": "1"}
    read = _reader(fresh_database_url)
    pingyi(env, "migrate", "-v", "0", timeout=600)
    (tmp_path / "long.csv").write_bytes(units_csv(6000))
    (tmp_path / "short.csv").write_bytes(units_csv(3, prefix="Y", first=900000))
    out = pingyi(env, "shell", "-c", f"FOLDER = {str(tmp_path)!r}\n" + SETUP).stdout.split()
    long_id, short_id = int(out[-2]), int(out[-1])
    status = lambda pk: read(f"SELECT status FROM imports_importjob WHERE id = {pk}")[0][0]  # noqa: E731

    log = tmp_path / "worker.log"
    first = _worker(env, log)
    try:
        _wait("the long import to run", lambda: status(long_id) == "running", 120)
        # Give the worker's pusher a moment to take the short job too (then only the lock's expiry frees it).
        deadline = time.monotonic() + 10
        while (
            time.monotonic() < deadline
            and read("SELECT count(*) FROM django_q_ormq WHERE lock > CURRENT_TIMESTAMP")[0][0] < 2
        ):
            time.sleep(0.1)
    finally:
        _kill(first)
    assert status(long_id) == "running"  # dead worker, row still says running

    # The reaper fails a running row that started more than its limit (1 s here) ago; on a fast machine the kill can
    # come sooner than that after the start, so let the row pass the limit first.
    time.sleep(2)
    reaped = pingyi(reaper_env, "jobs", "reap").stdout
    assert f"import {long_id}: failed" in reaped, reaped
    message = read(f"SELECT message FROM imports_importjob WHERE id = {long_id}")[0][0]
    assert message.startswith("工作进程已停止"), message

    second = _worker(env, log)
    try:
        pingyi(env, "jobs", "retry", "import", str(long_id))
        _wait("the retried import to finish", lambda: status(long_id) == "done", 240)
        _wait("the job queued behind the killed one to be picked up", lambda: status(short_id) == "done", 240)
        created = read(f"SELECT created_count FROM imports_importjob WHERE id = {long_id}")[0][0]
        assert created == 6000
        # The dead worker's own delivery of the long import, handed on after the lock expired, did nothing.
        _wait(
            "the broker's queue to drain",
            lambda: read("SELECT count(*) FROM django_q_ormq")[0][0] == 0,
            120,
        )
        imports = read(
            f"SELECT count(*) FROM audit_auditentry WHERE action = 'import.units' AND object_id = '{long_id}'"
        )
        assert imports[0][0] == 1
    finally:
        _kill(second)
        print(log.read_text(errors="replace")[-3000:])
