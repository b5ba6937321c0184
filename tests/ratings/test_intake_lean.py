"""The lean intake (pingyi/ratings/intake/wsgi.py, in front of Django in pingyi/wsgi.py) against the citizen page's
view: from the same database state, the same post gets the same answer (status and JSON) and stores the same row.

Both are driven as WSGI applications in this process, inside the test's transaction: ``wsgi`` is the wrapper around
Django's handler, ``view`` Django's handler alone. On PostgreSQL the lean path answers the plainly valid posts itself
(checked: Django is not called) and hands every other one to the view; on SQLite it hands on everything.
"""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, transaction
from django.test import RequestFactory, override_settings
from django.utils import timezone

from pingyi.catalog.models import DutyShift
from pingyi.lib import crypto
from pingyi.ratings import formtoken
from pingyi.ratings.intake.wsgi import LeanIntake
from pingyi.ratings.models import QrPoster, Rating, ReasonTag, StaffDevice
from pingyi.ratings.posters.services import poster_issue

ON_PG = connection.vendor == "postgresql"
COOKIE = "c" * 32
STAFF_COOKIE = "s" * 32
FORM = "application/x-www-form-urlencoded"


class Django:
    """Django's WSGI handler, counting the requests that reach it."""

    def __init__(self) -> None:
        self.handler = WSGIHandler()
        self.calls = 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        self.calls += 1
        return self.handler(environ, start_response)


@pytest.fixture
def apps(db) -> tuple[LeanIntake, Django]:
    # Django's handler sends request_started/finished, which would close the test's connection mid-transaction (the
    # test client disconnects the same receiver).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    view = Django()
    yield LeanIntake(view), view
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def poster(world) -> QrPoster:
    now = timezone.now()
    DutyShift.objects.create(
        window=world.window_a,
        staff=world.staff_a,
        starts_at=now - timedelta(hours=2),
        ends_at=now + timedelta(hours=2),
    )
    poster = poster_issue(actor=None, window=world.window_a)
    poster.token = "W-_" + poster.token[1:12]  # urlsafe base64, as new_poster_token may draw it
    poster.save(update_fields=["token"])
    return poster


def call(app: Any, path: str, data: dict[str, Any], **headers: str) -> tuple[int, dict[str, str], bytes]:
    """One request through a WSGI application: status, headers (Set-Cookie joined), body."""
    meta = {"HTTP_ACCEPT": "application/json", "HTTP_COOKIE": f"pyd={COOKIE}", **headers}
    content_type = meta.pop("CONTENT_TYPE", FORM)
    environ = (
        RequestFactory()
        .post(path, data=urlencode(data, doseq=True), content_type=content_type, **meta)
        .environ
    )
    seen: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        seen["status"] = int(status.split()[0])
        joined: dict[str, str] = {}
        for name, value in response_headers:
            joined[name] = f"{joined[name]}, {value}" if name in joined else value
        seen["headers"] = joined

    result = app(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return seen["status"], seen["headers"], body


def signed(code: str, **data: Any) -> dict[str, Any]:
    return {**data, formtoken.FIELD: formtoken.issue(code)}


def row_of(rating: Rating) -> dict[str, Any]:
    row = Rating.objects.filter(pk=rating.pk).values().get()
    assert abs(row.pop("rated_at") - timezone.now()) < timedelta(seconds=30)
    for name in ("id", "received_at"):
        row.pop(name)
    row["tracking_code"] = row["tracking_code"] is not None
    row["phone_ciphertext"] = crypto.decrypt(row["phone_ciphertext"])
    return row


def answer(app: Any, path: str, data: dict[str, Any], **headers: str) -> tuple[Any, ...]:
    """The answer of ``app`` and the rows it stored, in a savepoint rolled back afterwards."""
    with transaction.atomic():
        before = set(Rating.objects.values_list("pk", flat=True))
        status, response_headers, body = call(app, path, data, **headers)
        payload = json.loads(body)
        if payload.get("tracking_code"):
            payload["tracking_code"] = "present"
        rows = [row_of(r) for r in Rating.objects.exclude(pk__in=before)]
        transaction.set_rollback(True)
    return status, payload, rows, response_headers


def same(apps: tuple[LeanIntake, Django], path: str, data: dict[str, Any], **headers: str) -> tuple[Any, ...]:
    """The lean and the view's answers agree; returns (status, JSON, rows, whether the lean path answered)."""
    lean, view = apps
    calls = view.calls
    mine = answer(lean, path, data, **headers)
    by_lean = view.calls == calls
    theirs = answer(view, path, data, **headers)
    assert mine[:3] == theirs[:3]
    return (*mine[:3], by_lean)


def stored_by_lean(by_lean: bool) -> None:
    assert by_lean == ON_PG  # on SQLite the view answers everything


GOOD = {
    "five-level 5": ("five", {"level": "5"}),
    "five-level 1, tags, dimensions, comment, phone": (
        "five",
        {
            "level": "1",
            "tags": ["108", "115"],
            "dim_overall": "1",
            "dim_attitude": "2",
            "dim_efficiency": "",
            "comment": "  窗口无人\n ",
            "phone": "139 1234 5678",
        },
    ),
    "five-level 4 with its tag": ("five", {"level": "4", "tags": ["409", "409"]}),
    "three-level 1 with 2★ and 1★ tags": ("three", {"level": "1", "tags": ["108", "214"]}),
    "three-level 2 with 4★ and 3★ tags": ("three", {"level": "2", "tags": ["413", "308"]}),
    "three-level 3": ("three", {"level": "3", "tags": ["516"]}),
    "markup comment": (
        "five",
        {"level": "2", "comment": '<script>alert("x")</script><b onmouseover="y">粗</b>'},
    ),
    "staff phone (flagged)": ("five", {"level": "5", "phone": "13800001111"}),
    "empty honeypot": ("five", {"level": "3", "website": ""}),
}


@pytest.mark.parametrize("name", list(GOOD))
def test_a_plainly_valid_post_is_stored_alike_by_both(world, poster, apps, name):
    scale, data = GOOD[name]
    with override_settings(PINGYI_RATING_SCALE=scale):
        status, payload, rows, by_lean = same(apps, f"/r/{poster.token}", signed(poster.token, **data))
    assert status == 200 and payload["ok"] is True and len(rows) == 1
    stored_by_lean(by_lean)
    row = rows[0]
    assert row["window_id"] == world.window_a.pk and row["unit_id"] == world.unit_a.pk
    assert row["staff_id"] == world.staff_a.pk and row["channel"] == "qr" and row["scale"] == scale
    assert row["level"] == int(data["level"]) and row["device_fp"] and row["network_fp"]
    assert ("staff_phone" in row["flags"]) == (name == "staff phone (flagged)")
    if "comment" in data:
        assert row["comment"] == data["comment"].strip()


def test_a_staff_device_and_a_first_visit_are_handled_alike(world, poster, apps):
    fp = crypto.blind_index(f"c:{STAFF_COOKIE}", purpose="device-fingerprint")
    StaffDevice.objects.create(user=world.users["clerk"], device_fp=fp)
    *_, rows, _ = same(
        apps, f"/r/{poster.token}", signed(poster.token, level="5"), HTTP_COOKIE=f"pyd={STAFF_COOKIE}"
    )
    assert rows[0]["device_fp"] == fp and "staff_device" in rows[0]["flags"]
    # no device cookie yet: fingerprint of the browser, and a cookie given with the answer
    status, headers, _ = call(apps[0], f"/r/{poster.token}", signed(poster.token, level="5"), HTTP_COOKIE="")
    assert status == 200 and "pyd=" in headers["Set-Cookie"] and "HttpOnly" in headers["Set-Cookie"]


def _retire(world: Any, poster: QrPoster) -> None:
    poster_issue(actor=None, window=world.window_a)


def _expire(world: Any, poster: QrPoster) -> None:
    QrPoster.objects.filter(pk=poster.pk).update(expires_on=timezone.localdate() - timedelta(days=1))


def _deactivate_108(world: Any, poster: QrPoster) -> None:
    ReasonTag.objects.filter(code="108").update(active=False)


def _token(code: str, *, age: float = 0, mac: str = "") -> str:
    token = formtoken.issue(code, now=time.time() - age)
    return token if not mac else token.split(".")[0] + "." + mac


# name: (form fields without the token, token or None (the page's), headers, setup, status, error code)
REFUSED: dict[str, tuple[dict[str, Any], Any, dict[str, str], Any, int, str]] = {
    "unknown code": ({"level": "5"}, None, {}, "Wnope1", 404, "not_found"),
    "retired poster": ({"level": "5"}, None, {}, _retire, 410, "retired"),
    "expired poster": ({"level": "5"}, None, {}, _expire, 410, "expired"),
    "level 6": ({"level": "6"}, None, {}, None, 422, "invalid"),
    "level 0": ({"level": "0"}, None, {}, None, 422, "invalid"),
    "level abc": ({"level": "abc"}, None, {}, None, 422, "invalid"),
    "no level": ({"comment": "好"}, None, {}, None, 422, "invalid"),
    "level with a space": ({"level": " 5"}, None, {}, None, 422, "invalid"),
    "tag of another level": ({"level": "5", "tags": ["108"]}, None, {}, None, 422, "invalid"),
    "unknown tag": ({"level": "5", "tags": ["999"]}, None, {}, None, 422, "invalid"),
    "tag with a space": ({"level": "1", "tags": [" 108"]}, None, {}, None, 422, "invalid"),
    "inactive tag": ({"level": "1", "tags": ["108"]}, None, {}, _deactivate_108, 422, "invalid"),
    "10,000-character comment": ({"level": "4", "comment": "长" * 10_000}, None, {}, None, 422, "invalid"),
    "501-character comment": ({"level": "4", "comment": "长" * 501}, None, {}, None, 422, "invalid"),
    "null character": ({"level": "4", "comment": "a\x00b"}, None, {}, None, 422, "invalid"),
    "bad phone": ({"level": "4", "phone": "12ab"}, None, {}, None, 422, "invalid"),
    "long phone": ({"level": "4", "phone": "1" * 31}, None, {}, None, 422, "invalid"),
    "bad dimension": ({"level": "4", "dim_overall": "6"}, None, {}, None, 422, "invalid"),
    "honeypot": ({"level": "5", "website": "http://spam.example"}, None, {}, None, 400, "refused"),
    "no form token": ({"level": "5"}, "", {}, None, 403, "form_expired"),
    "forged form token": ({"level": "5"}, "mac", {}, None, 403, "form_expired"),
    "expired form token": ({"level": "5"}, "old", {}, None, 403, "form_expired"),
    "form token from the future": ({"level": "5"}, "future", {}, None, 403, "form_expired"),
    "form token of another code": ({"level": "5"}, "other", {}, None, 403, "form_expired"),
    "post from another origin": (
        {"level": "5"},
        None,
        {"HTTP_ORIGIN": "https://evil.example"},
        None,
        403,
        "cross_origin",
    ),
    "cross-site fetch": (
        {"level": "5"},
        None,
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        None,
        403,
        "cross_origin",
    ),
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_every_refusal_is_the_views_answer_and_stores_nothing(world, poster, apps, name):
    data, token, headers, setup, status, code = REFUSED[name]
    target = setup if isinstance(setup, str) else poster.token
    if callable(setup):
        setup(world, poster)
    token = {
        None: formtoken.issue(target),
        "": None,
        "mac": _token(target, mac="0" * 32),
        "old": _token(target, age=formtoken.FORM_TOKEN_MAX_AGE + 60),
        "future": _token(target, age=-formtoken.FUTURE_SKEW - 60),
        "other": formtoken.issue("Wother1"),
    }[token]
    form = {**data, **({formtoken.FIELD: token} if token else {})}
    got_status, payload, rows, by_lean = same(apps, f"/r/{target}", form, **headers)
    assert (got_status, payload["error"]["code"]) == (status, code) and rows == []
    assert not by_lean  # the view gave the answer
    assert payload["error"]["message"]  # in Chinese, from the view


def test_a_token_just_within_its_age_is_taken(world, poster, apps):
    form = {"level": "5", formtoken.FIELD: _token(poster.token, age=formtoken.FORM_TOKEN_MAX_AGE - 60)}
    status, _payload, rows, by_lean = same(apps, f"/r/{poster.token}", form, HTTP_ORIGIN="http://testserver")
    assert status == 200 and len(rows) == 1
    stored_by_lean(by_lean)


def test_rate_limits_trip_alike(world, poster, apps, settings):
    settings.PINGYI_RATINGS = {
        **settings.PINGYI_RATINGS,
        "limit_per_device_10min": 2,
        "limit_per_phone_day": 3,
    }
    lean, view = apps
    path = f"/r/{poster.token}"
    for app in (lean, view):
        with transaction.atomic():
            answers = [call(app, path, signed(poster.token, level="5"))[0] for _ in range(3)]
            # another device, the same phone: the phone's limit
            phones = [
                call(
                    app,
                    path,
                    signed(poster.token, level="4", phone="13912345678"),
                    HTTP_COOKIE=f"pyd={n:032d}",
                )
                for n in range(4)
            ]
            assert answers == [200, 200, 429]
            assert [p[0] for p in phones] == [200, 200, 200, 429]
            assert json.loads(phones[-1][2])["error"] == {
                "code": "rate_limited",
                "message": "该手机号今日评价次数已达上限",
                "field": "",
            }
            assert Rating.objects.count() == 5
            transaction.set_rollback(True)


def test_a_lean_answer_has_the_stacks_headers_and_no_csrf_cookie(world, poster, apps):
    status, headers, body = call(
        apps[0], f"/r/{poster.token}", signed(poster.token, level="1"), HTTP_X_REQUEST_ID="req-12345678"
    )
    assert status == 200 and headers["Content-Type"] == "application/json"
    assert headers["X-Request-ID"] == "req-12345678" and headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY" and "default-src 'self'" in headers["Content-Security-Policy"]
    assert "csrftoken" not in headers.get("Set-Cookie", "")
    assert Rating.objects.get().tracking_code in body.decode()


def test_markup_taken_by_the_lean_path_is_shown_escaped(world, poster, apps):
    typed = '<img src=x onerror="alert(1)">差'
    assert call(apps[0], f"/r/{poster.token}", signed(poster.token, level="2", comment=typed))[0] == 200
    assert Rating.objects.get().comment == typed
    listing = world.client("inspector").get("/ratings/").content.decode()
    assert "<img src=x" not in listing and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;差" in listing


def test_what_the_lean_path_does_not_read_goes_to_the_view(world, poster, apps):
    lean, view = apps
    path = f"/r/{poster.token}"
    cases = [
        {"HTTP_ACCEPT": "text/html"},  # the no-JavaScript form
        {"CONTENT_TYPE": "multipart/form-data; boundary=BoUnDaRy"},
        {"CONTENT_TYPE": f"{FORM}; charset=latin-1"},
    ]
    for headers in cases:
        calls = view.calls
        with transaction.atomic():
            if headers.get("CONTENT_TYPE", "").startswith("multipart"):
                environ_data: dict[str, Any] = {}
            else:
                environ_data = signed(poster.token, level="5")
            call(lean, path, environ_data, **headers)
            transaction.set_rollback(True)
        assert view.calls == calls + 1, headers


def test_a_receipt_code_goes_to_the_view(world, apps):
    from pingyi.ledger.models import ServiceRecord

    record = ServiceRecord.objects.create(
        district=world.district,
        unit=world.unit_a,
        window=world.window_a,
        staff=world.staff_a,
        record_no="2026-0042",
        received_at=timezone.now() - timedelta(hours=1),
        source=ServiceRecord.Source.MANUAL,
    )
    lean, view = apps
    status, _headers, _body = call(lean, f"/r/{record.rating_code}", signed(record.rating_code, level="4"))
    assert status == 200 and view.calls == 1 and Rating.objects.get().record == record


def test_a_negative_rating_taken_by_the_lean_path_opens_its_ticket_at_once(
    world, poster, apps, django_capture_on_commit_callbacks
):
    """Every store emits the door's events: a 差评 the lean path stored opens its ticket without the sweep."""
    from pingyi.tickets.models import Ticket

    lean, view = apps
    with django_capture_on_commit_callbacks(execute=True):
        status, _, body = call(lean, f"/r/{poster.token}", signed(poster.token, level="1"))
    assert status == 200 and json.loads(body)["ok"] is True
    stored_by_lean(view.calls == 0)
    rating = Rating.objects.latest("id")
    assert rating.negative and Ticket.objects.filter(rating=rating).count() == 1
