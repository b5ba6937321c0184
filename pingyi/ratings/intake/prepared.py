"""Prepared statements on Django's PostgreSQL connection, with psycopg's public API only.

The intake statements are long (over 4 KB), and psycopg converts a ``%(name)s`` query to PostgreSQL's ``$n`` anew at
every execution of a query that long (it caches only short ones): that conversion cost a third of the Python time of
a rating. So the conversion is made here, once per statement text (``positional``), and the statement runs on a
``psycopg.RawCursor`` — which sends ``$n`` queries as they are — prepared (parsed and planned once per connection).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections

_NAMED = re.compile(r"%\((\w+)\)s|%%")


@lru_cache(maxsize=8)
def positional(sql: str) -> tuple[str, tuple[str, ...]]:
    """``sql`` with each ``%(name)s`` as ``$n`` (one number per name, however often it is used), and the names in
    the order of their numbers."""
    names: dict[str, int] = {}

    def number(match: re.Match[str]) -> str:
        if match[0] == "%%":
            return "%"
        return f"${names.setdefault(match[1], len(names) + 1)}"

    text = _NAMED.sub(number, sql)
    return text, tuple(names)


class PreparedCursor(psycopg.RawCursor):  # type: ignore[type-arg]
    """Server-side binding of ``$n`` queries, and every statement prepared."""

    def execute(  # type: ignore[override]
        self, query: Any, params: Any = None, *, prepare: bool | None = None, binary: bool | None = None
    ) -> Any:
        return super().execute(query, params, prepare=True, binary=binary)


# Django turns psycopg's automatic preparation off (prepare_threshold None: friendly to transaction poolers), which
# also refuses prepare=True; a threshold never reached lets only PreparedCursor prepare. Django's own cursors are
# client-side binding cursors, which never prepare, whatever the threshold.
_NEVER = 1 << 62
_CURSOR = "_pingyi_intake_cursor"


def execute(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Run ``sql`` (``%(name)s`` parameters) prepared, on this thread's Django connection (Django's error classes,
    its execute wrappers and query log); the rows it returns."""
    text, names = positional(sql)
    values = [params[name] for name in names]
    conn = connections[DEFAULT_DB_ALIAS]  # ``connection`` itself, looked up once instead of at every use
    conn.ensure_connection()
    raw = conn.connection
    threshold = raw.prepare_threshold
    raw.prepare_threshold = _NEVER if threshold is None else threshold
    try:
        # One cursor per connection, kept: its adapters' lookups are made once, not per rating.
        pg_cursor: Any = getattr(raw, _CURSOR, None)
        if pg_cursor is None or pg_cursor.closed:
            pg_cursor = PreparedCursor(raw)
            setattr(raw, _CURSOR, pg_cursor)
        cursor = conn.make_debug_cursor(pg_cursor) if conn.queries_logged else conn.make_cursor(pg_cursor)
        cursor.execute(text, values)  # Django's wrapper, not closed after use
        rows = cursor.fetchall()
    finally:
        raw.prepare_threshold = threshold
    return [tuple(row) for row in rows]
