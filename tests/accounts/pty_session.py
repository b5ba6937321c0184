"""Run a real `pingyi` command on a pseudo-terminal, answering its prompts as a person at a keyboard would."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

from tests.helpers_files import LiveDatabase


def run_in_pty(
    live: LiveDatabase, args: list[str], dialogue: list[tuple[str, str]], env: dict[str, str] | None = None
) -> tuple[int, str]:
    """Start `pingyi ARGS` on the test database with a terminal as stdin/stdout; for each (prompt, answer) wait for
    ``prompt`` in the output, then type ``answer`` and Enter. Returns (exit code, everything the terminal showed)."""
    live.export()
    child_env = {
        **os.environ,
        "PINGYI_HOME": os.environ.get("PINGYI_HOME", ""),
        "PINGYI_DATABASE_URL": live.url(),
        "PINGYI_DB_CONN_MAX_AGE": "0",
        **(env or {}),
    }
    from django.conf import settings

    child_env["PINGYI_HOME"] = str(settings.HOME)
    child_env.pop("DJANGO_SETTINGS_MODULE", None)
    leader, follower = pty.openpty()
    script = Path(sys.executable).with_name("pingyi")
    process = subprocess.Popen(  # noqa: S603
        [str(script), *args], stdin=follower, stdout=follower, stderr=follower, env=child_env, close_fds=True
    )
    os.close(follower)
    shown = b""

    def read_until(text: str, deadline: float) -> None:
        nonlocal shown
        while text.encode() not in shown:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"never saw {text!r}; the terminal showed:\n{shown.decode(errors='replace')}"
                )
            ready, _, _ = select.select([leader], [], [], 0.5)
            if ready:
                try:
                    shown += os.read(leader, 4096)
                except OSError:  # the child closed the terminal
                    raise AssertionError(
                        f"exited before {text!r}; the terminal showed:\n{shown.decode(errors='replace')}"
                    ) from None

    try:
        for prompt, answer in dialogue:
            read_until(prompt, time.monotonic() + 60)
            shown = shown.replace(prompt.encode(), b"<" + prompt.encode() + b">", 1)
            os.write(leader, answer.encode() + b"\r")
        code = process.wait(timeout=60)
        while True:
            ready, _, _ = select.select([leader], [], [], 0.2)
            if not ready:
                break
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        if process.poll() is None:
            process.kill()
        os.close(leader)
    connection.ensure_connection()
    live.reimport()
    return code, shown.decode(errors="replace")
