"""The lean intake: the citizen page's JSON post of a QR poster, taken before Django's request machinery.

``LeanIntake`` wraps the WSGI application (pingyi/wsgi.py). A request it may take — ``POST /r/W…`` with
``Accept: application/json`` and a urlencoded body (what rate.js sends), on PostgreSQL — skips the middleware stack,
the URL resolver, the request signals (so Django's per-request connection health check, a round trip) and the view:

1. the same checks as the view, with the same functions: the host is allowed, HTTPS when required,
   ``formtoken.refusal`` (own origin, signed form token), the honeypot empty;
2. the form read as the view's form reads it (Django's QueryDict), and taken only when plainly valid: a level of the
   deployment's scale, each dimension empty or 1–5, a comment within the limit, a phone that normalises;
3. ``batch``: the poster lookup, the reason-tag check (active tags of the chosen level), the rate limits and
   the flags in one prepared statement, which stores the ratings of the requests that arrived meanwhile in the same
   round trip and commit (``group``: group commit, on the connection of the thread that leads the batch);
4. the stored rating's events (``events.ratings_stored``, as every store: a 差评 opens its ticket), then the view's
   JSON answer (the citizen page's ``thanks_json``, with its ``thanks_message``), the device cookie, the
   security headers of the middleware stack, written straight to WSGI.

Anything else — any refusal, a retired or unknown poster, a receipt code, a form the lean path does not read — goes to
Django with the body replayed, so every refusal is the view's own answer, word for word. Refusals found by the
statement (a rate limit, a tag) stored nothing, so the view decides them afresh.
"""

from __future__ import annotations

import io
import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable
from functools import cache
from http import HTTPStatus
from typing import Any

from django.conf import settings
from django.core.exceptions import DisallowedHost, SuspiciousOperation
from django.core.handlers.wsgi import WSGIRequest
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.http import HttpResponse

from pingyi.lib import crypto, scales
from pingyi.lib.middleware import CONTENT_SECURITY_POLICY
from pingyi.ratings import formtoken
from pingyi.ratings.channels.citizen.answers import thanks_message
from pingyi.ratings.channels.citizen.forms import DIMENSION_PREFIX, HONEYPOT, comment_max
from pingyi.ratings.errors import RatingError
from pingyi.ratings.fingerprints import (
    device_cookie,
    device_fingerprint,
    ensure_device_cookie,
    network_fingerprint,
)
from pingyi.ratings.intake.batch import Prepared, Stored, Undecided, as_rating, prepare, store
from pingyi.ratings.intake.events import ratings_stored
from pingyi.ratings.intake.group import GroupCommit
from pingyi.ratings.intake.input import RatingInput
from pingyi.ratings.models import Rating
from pingyi.ratings.tagdata import DIMENSIONS

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

PATH = re.compile(r"/r/(W[A-Za-z0-9_-]{1,19})")  # models.new_poster_token: W + urlsafe base64
MAX_BODY = (
    16 * 1024
)  # a rating with a full comment is ~5 KB urlencoded; anything larger is the view's to judge
IDLE_CHECK_SECONDS = 10  # a connection idle longer is health-checked before use (under load: never)
_LAST_USE = "_pingyi_lean_used_at"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
MSG_UNAVAILABLE = "网络繁忙，提交未成功，请稍后再试。"
MSG_FAILED = "提交失败，请稍后再试。"

log = logging.getLogger("django.request")


def _takes(environ: dict[str, Any]) -> str | None:
    """The poster token if the lean path may take this request, by its method, path and headers alone."""
    if environ.get("REQUEST_METHOD") != "POST" or "application/json" not in environ.get("HTTP_ACCEPT", ""):
        return None
    content_type = environ.get("CONTENT_TYPE", "").lower()
    if not content_type.startswith("application/x-www-form-urlencoded") or (
        "charset=" in content_type and "charset=utf-8" not in content_type
    ):
        return None
    match = PATH.fullmatch(environ.get("PATH_INFO", ""))
    length = environ.get("CONTENT_LENGTH", "")
    if match is None or not length.isdigit() or int(length) > MAX_BODY:
        return None
    return match[1] if connections[DEFAULT_DB_ALIAS].vendor == "postgresql" else None


class LeanIntake:
    """WSGI middleware: the lean intake in front of ``app`` (Django's WSGI handler)."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        code = _takes(environ)
        if code is None:
            return self.app(environ, start_response)
        request = WSGIRequest(environ)
        body = request.body  # read once; replayed to Django if the lean path does not answer
        try:
            answer = _answer(request, code)
        except Exception:  # after the statement a rating may be stored: answer, never hand it on
            log.exception("lean intake: internal error")
            answer = _error("server_error", MSG_FAILED, 500)
        if answer is None:
            environ["wsgi.input"] = io.BytesIO(body)
            return self.app(environ, start_response)
        status, payload, cookies = answer
        content = json.dumps(payload).encode()  # as JsonResponse writes it
        headers = [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(content))),
            *_secure_headers(request),
            *(("Set-Cookie", cookie) for cookie in cookies),
        ]
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        return [content]


# status, the JSON answer, the Set-Cookie headers
Answer = tuple[int, dict[str, Any], list[str]]


def _answer(request: WSGIRequest, code: str) -> Answer | None:
    """The lean answer, or None for Django's."""
    try:
        request.get_host()
        request.POST  # noqa: B018 (parsed here, so that too many fields is the view's 400)
    except (DisallowedHost, SuspiciousOperation):
        return None
    if settings.SECURE_SSL_REDIRECT and not request.is_secure():
        return None
    if formtoken.refusal(request, code) is not None or request.POST.get(HONEYPOT, ""):
        return None
    data = _plain_input(request)
    if data is None:
        return None
    try:
        prepared = prepare(data, code)
    except RatingError:
        return None
    try:
        result = GROUP.submit(prepared)
    except (OperationalError, InterfaceError):
        return _error("unavailable", MSG_UNAVAILABLE, 503)
    if isinstance(result, Undecided | RatingError):
        return None
    if isinstance(result, Exception):
        raise result
    fresh_connection()  # this thread's own connection, for what the events' receivers write
    ratings_stored([as_rating(prepared, result)])
    values = prepared.values
    thanks = {  # the citizen page's thanks_json
        "ok": True,
        "tracking_code": values["tracking_code"],
        "message": _thanks_message(values["negative"], bool(values["phone_index"])),
    }
    return 200, thanks, _device_cookie(request)


@cache
def _thanks_message(negative: bool, with_phone: bool) -> str:
    """The view's message (``channels.citizen.answers.thanks_message``, which reads only these two)."""
    return thanks_message(Rating(negative=negative, phone_index="x" if with_phone else ""))


def _device_cookie(request: WSGIRequest) -> list[str]:
    """The Set-Cookie header of a first visit's device cookie (``ensure_device_cookie``), or none."""
    if device_cookie(request):
        return []
    response = HttpResponse()
    ensure_device_cookie(request, response)
    return [c.OutputString() for c in response.cookies.values()]


def _store(batch: list[Prepared]) -> list[Stored | Exception]:
    """``batch.store`` on the connection of the thread that leads the batch."""
    fresh_connection()
    try:
        return store(batch)
    except (OperationalError, InterfaceError):
        log.exception("lean intake: database unavailable")
        connections[DEFAULT_DB_ALIAS].close()
        raise


# One per worker process: its request threads' ratings, one statement at a time.
GROUP: GroupCommit[Prepared, Stored | Exception] = GroupCommit(_store)


def _error(code: str, message: str, status: int) -> Answer:
    return status, {"error": {"code": code, "message": message, "field": ""}}, []


def _plain_input(request: WSGIRequest) -> RatingInput | None:
    """The rating the view's form would accept, or None when the form would have anything to say."""
    post = request.POST
    if any("\x00" in value for values in post.lists() for value in values[1]):
        return None  # Django's CharField refuses null characters
    scale = scales.Scale(settings.PINGYI_RATING_SCALE)
    level = post.get("level", "")
    if level not in _level_choices(scale):
        return None
    dimensions: dict[str, int] = {}
    for key, _label in DIMENSIONS:
        value = post.get(DIMENSION_PREFIX + key, "")
        if value in _DIMENSION_VALUES:
            dimensions[key] = int(value)
        elif value != "":
            return None
    comment = post.get("comment", "").strip()
    phone = post.get("phone", "").strip()
    if len(comment) > comment_max() or len(phone) > 30:
        return None
    if phone:
        try:
            phone = crypto.normalize_phone(phone)
        except ValueError:
            return None
    tags = post.getlist("tags")
    if any(not tag or tag != tag.strip() for tag in tags):
        return None  # not a choice of the form
    return RatingInput(
        channel=scales.Channel.QR,
        scale=scale,
        level=int(level),
        tags=tags,
        dimensions=dimensions,
        comment=comment,
        phone=phone,
        device_fp=device_fingerprint(request),
        network_fp=network_fingerprint(request),
    )


_DIMENSION_VALUES = frozenset("12345")


@cache
def _level_choices(scale: scales.Scale) -> frozenset[str]:
    return frozenset(str(lvl.value) for lvl in scales.levels(scale))


def fresh_connection() -> None:
    """Django's connection rules without the per-request health check: a connection past CONN_MAX_AGE, or after an
    error, is closed or checked as Django would at a request's start; one idle for a while is health-checked."""
    conn = connections[DEFAULT_DB_ALIAS]
    now = time.monotonic()
    if conn.connection is not None and not conn.in_atomic_block:
        idle = now - getattr(conn, _LAST_USE, now)
        obsolete = conn.close_at is not None and now >= conn.close_at
        if conn.errors_occurred or obsolete or idle > IDLE_CHECK_SECONDS:
            conn.close_if_unusable_or_obsolete()
            conn.close_if_health_check_failed()
    setattr(conn, _LAST_USE, now)


def _secure_headers(request: WSGIRequest) -> list[tuple[str, str]]:
    """What the middleware stack adds to every response (security, CSP, request id, language)."""
    incoming = request.META.get("HTTP_X_REQUEST_ID", "")
    headers = [
        ("X-Request-ID", incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex),
        ("Cache-Control", "no-store"),
        *_static_headers(),
    ]
    if settings.SECURE_HSTS_SECONDS and request.is_secure():
        hsts = f"max-age={settings.SECURE_HSTS_SECONDS}"
        if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
            hsts += "; includeSubDomains"
        if settings.SECURE_HSTS_PRELOAD:
            hsts += "; preload"
        headers.append(("Strict-Transport-Security", hsts))
    return headers


def _static_headers() -> list[tuple[str, str]]:
    headers = [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
        ("X-Frame-Options", settings.X_FRAME_OPTIONS),
        ("Content-Language", settings.LANGUAGE_CODE),
    ]
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers.append(("X-Content-Type-Options", "nosniff"))
    if settings.SECURE_REFERRER_POLICY:
        headers.append(("Referrer-Policy", str(settings.SECURE_REFERRER_POLICY)))
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        headers.append(("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY))
    return headers
