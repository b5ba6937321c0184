"""`pingyi serve`: gunicorn as production runs it, with its access log (pingyi.lib.accesslog)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.ops.conftest import free_port


def _serve(tmp_path: Path, **extra_env: str) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    env = {
        **os.environ,
        "PINGYI_HOME": str(tmp_path),
        "PINGYI_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "PINGYI_HTTPS": "0",
        **extra_env,
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    script = Path(sys.executable).with_name("pingyi")
    command = [str(script), "serve", "--no-migrate", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
    proc = subprocess.Popen(  # noqa: S603
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):  # noqa: S310
                return proc, base
        except OSError:
            time.sleep(0.2)
    _stop(proc)
    pytest.fail("pingyi serve did not answer within 30 s")


def _stop(proc: subprocess.Popen[str]) -> str:
    os.killpg(proc.pid, signal.SIGTERM)
    out, _ = proc.communicate(timeout=30)
    return out


def _get(base: str, path: str) -> bytes:
    request = urllib.request.Request(  # noqa: S310
        base + path, headers={"User-Agent": 'probe "q"/1.0', "Referer": "http://127.0.0.1/from"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        return bytes(response.read())


def test_every_request_is_in_the_access_log_in_the_combined_format(tmp_path):
    proc, base = _serve(tmp_path)
    try:
        body = _get(base, "/healthz?probe=1")
    finally:
        out = _stop(proc)
    lines = [line for line in out.splitlines() if "/healthz?probe=1" in line]
    assert len(lines) == 1, out
    stamp = r"\[\d{2}/\w{3}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\]"
    expected = (
        rf'127\.0\.0\.1 - - {stamp} "GET /healthz\?probe=1 HTTP/1\.1" 200 {len(body)} '
        rf'"http://127\.0\.0\.1/from" "probe \\"q\\"/1\.0" \d+'
    )
    assert re.fullmatch(expected, lines[0]), lines[0]


def test_a_configured_access_log_format_is_gunicorns_own(tmp_path):
    proc, base = _serve(tmp_path, GUNICORN_CMD_ARGS="--access-logformat 'custom %(m)s %(U)s %(s)s'")
    try:
        _get(base, "/healthz")
    finally:
        out = _stop(proc)
    assert "custom GET /healthz 200" in out.splitlines(), out
