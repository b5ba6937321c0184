"""The replica's middleware: which pages read from it, and read-your-writes for whoever has just written.

Installed by settings only when ``PINGYI_REPLICA_DATABASE_URL`` is set (next to ``pingyi.lib.dbrouter``):

- A GET or HEAD request whose view is named in ``PINGYI_REPLICA["views"]`` (URL names, ``namespace:*`` for a
  whole namespace: the dashboards, rankings and causes, report lists and table exports, the public pages and the
  hall's screen) runs inside ``replica_reads()``. A streamed export reads its rows while the server sends them,
  after the view has returned; its chunks are produced inside the same block.
- A request that wrote (any POST, PUT, PATCH or DELETE, or any request the router saw write) gets a signed cookie
  that pins its browser to the primary for ``pin_seconds``: the person who has just written reads their own write,
  however far the replica lags. A pinned request reads from the primary, and a write renews the pin.
- When a query on the replica failed during such a request and the answer is a server error, the replica is marked
  down and the request is run again, once, on the primary: the pages read, they do not write (GET and HEAD only),
  so running one again is safe.
"""

from __future__ import annotations

import fnmatch
import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db import connections
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse

from pingyi.lib.dbrouter import (
    REPLICA,
    Reads,
    configured,
    current,
    enter,
    note_replica_errors,
    options,
    replica_failed,
    replica_reads,
)

PIN_COOKIE = "pingyi_primary"
PIN_SALT = "pingyi.lib.dbpin"
READ_METHODS = frozenset({"GET", "HEAD"})
_ELIGIBLE = "pingyi_replica_eligible"  # set on the request by this middleware for its own process_view

log = logging.getLogger(__name__)


def pin_seconds() -> int:
    return int(options()["pin_seconds"])


def pinned(request: HttpRequest) -> bool:
    """Whether the request carries a valid pin (signed by us, younger than ``pin_seconds``)."""
    if PIN_COOKIE not in request.COOKIES:
        return False
    value = request.get_signed_cookie(PIN_COOKIE, default=None, salt=PIN_SALT, max_age=pin_seconds())
    return value is not None


def routed_view(view_name: str) -> bool:
    """Whether the view of this URL name reads from the replica."""
    return any(fnmatch.fnmatchcase(view_name, pattern) for pattern in options()["views"])


def _resumed(state: Reads, chunks: Iterable[Any]) -> Iterator[Any]:
    """The chunks of a streamed answer, each produced inside the request's block."""
    iterator = iter(chunks)
    while True:
        undo = enter(state)
        try:
            chunk = next(iterator)
        except StopIteration:
            return
        finally:
            undo()
        yield chunk


class ReplicaReadsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not configured():
            return self.get_response(request)
        is_read = request.method in READ_METHODS
        was_pinned = pinned(request)
        response, state = self._run(request, eligible=is_read and not was_pinned)
        if state.used and state.failed and response.status_code >= 500 and is_read:
            replica_failed()
            log.warning(
                "replica failed during %s %s; answered again from the primary", request.method, request.path
            )
            response, retry = self._run(request, eligible=False)
            state.wrote = state.wrote or retry.wrote
        if (
            state.replica
            and isinstance(response, StreamingHttpResponse)
            and not isinstance(response, FileResponse)
        ):
            response.streaming_content = _resumed(state, response.streaming_content)
        if not is_read or state.wrote:
            response.set_signed_cookie(
                PIN_COOKIE,
                "1",
                salt=PIN_SALT,
                max_age=pin_seconds(),
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response

    def _run(self, request: HttpRequest, *, eligible: bool) -> tuple[HttpResponse, Reads]:
        setattr(request, _ELIGIBLE, eligible)
        with replica_reads(replica=False) as state, connections[REPLICA].execute_wrapper(note_replica_errors):
            response = self.get_response(request)
        return response, state

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        state = current()
        if (
            state is not None
            and getattr(request, _ELIGIBLE, False)
            and match
            and routed_view(match.view_name)
        ):
            state.replica = True
        return None
