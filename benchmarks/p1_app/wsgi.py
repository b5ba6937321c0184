"""The P1 benchmark server: pingyi's WSGI application (the lean intake in front of Django) plus two ceilings.

- ``POST /bench/bare_raw``: one INSERT on the thread's Django connection, straight from WSGI, no Django request —
  the ceiling of the lean intake's stack (the like-for-like comparison).
- ``POST /bench/django/r/<code>``: the citizen page's view through the whole Django stack (the lean intake
  bypassed), for comparison.
- ``POST /bench/bare`` (p1_app.urls): one INSERT in a Django view, through the middleware stack.

Each worker prints how many group-commit statements stored how many ratings when it exits.
"""

from __future__ import annotations

import atexit
import json
import os
import sys
from collections.abc import Callable, Iterable
from typing import Any

from pingyi.wsgi import application as pingyi_application
from pingyi.wsgi import django_application

from django.db import DEFAULT_DB_ALIAS, connections  # isort: skip (after the apps are loaded)

from pingyi.ratings.intake.wsgi import GROUP, fresh_connection  # isort: skip

DJANGO_PREFIX = "/bench/django"


@atexit.register
def _batch_sizes() -> None:
    """How many ratings each group-commit statement of this worker stored (read by p1_intake.py from the log)."""
    print(
        f"P1GROUP pid={os.getpid()} batches={GROUP.batches} items={GROUP.items}", file=sys.stderr, flush=True
    )


def bare_raw(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    payload = environ["wsgi.input"].read(length).decode()[:500]
    fresh_connection()
    conn = connections[DEFAULT_DB_ALIAS]
    conn.ensure_connection()
    (row_id,) = conn.connection.execute(
        "INSERT INTO p1_bench (payload) VALUES (%s) RETURNING id", [payload]
    ).fetchone()
    body = json.dumps({"id": row_id}).encode()
    start_response("201 Created", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    path = environ.get("PATH_INFO", "")
    if path == "/bench/bare_raw" and environ.get("REQUEST_METHOD") == "POST":
        return bare_raw(environ, start_response)
    if path.startswith(DJANGO_PREFIX + "/r/"):
        environ["PATH_INFO"] = path[len(DJANGO_PREFIX) :]
        return django_application(environ, start_response)
    return pingyi_application(environ, start_response)
