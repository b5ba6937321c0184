"""Reads from a replica (pingyi.lib.dbrouter, pingyi.lib.dbpin), on two SQLite files.

The "replica" is a copy of the test database taken with ``VACUUM INTO`` at the start of a test: a replica that lags
by everything written after it. Queries are counted per alias, so each test sees where a page read from.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from pingyi.accounts.models import User
from pingyi.catalog.models import District
from pingyi.lib import dbrouter
from pingyi.lib.dbpin import PIN_COOKIE, routed_view
from pingyi.lib.dbrouter import REPLICA, ReplicaRouter, replica_reads

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite files stand in for the replica; PostgreSQL has the drill"
)

MIDDLEWARE = [
    *settings.MIDDLEWARE[:3],
    "pingyi.lib.dbpin.ReplicaReadsMiddleware",
    *settings.MIDDLEWARE[3:],
]
OPTIONS = {**settings.PINGYI_REPLICA, "check_seconds": 0, "pin_seconds": 30, "max_lag_seconds": 10}


def _forget_health() -> None:
    """The process's last look at the replica forgotten: the next read checks it again."""
    with dbrouter.HEALTH.lock:
        dbrouter.HEALTH.checked_at = -1e18


def _attach(path: Path) -> None:
    """Make ``path`` the replica's database: the default's settings, another file; a mirror for the test runner."""
    if hasattr(connections._connections, REPLICA):  # noqa: SLF001 (Django's per-thread connection store)
        connections[REPLICA].close()
        del connections[REPLICA]
    settings.DATABASES[REPLICA] = {
        **connections.settings["default"],
        "NAME": str(path),
        "TEST": {"MIRROR": "default"},
    }


@pytest.fixture(scope="module", autouse=True)
def replica_alias(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The alias exists before the test database is set up (each test names it among its databases)."""
    _attach(tmp_path_factory.mktemp("replica") / "unused.sqlite3")
    yield
    _attach(tmp_path_factory.mktemp("replica") / "unused.sqlite3")
    connections[REPLICA].close()
    del connections[REPLICA]
    del settings.DATABASES[REPLICA]


@pytest.fixture
def replica(world: Any, tmp_path: Path) -> Iterator[Path]:
    """A replica that holds the world as it is now; it never sees a later write."""
    path = tmp_path / "replica.sqlite3"
    connection.ensure_connection()
    connection.connection.execute("VACUUM INTO ?", (str(path),))
    _attach(path)
    _forget_health()
    with override_settings(
        DATABASE_ROUTERS=["pingyi.lib.dbrouter.ReplicaRouter"], MIDDLEWARE=MIDDLEWARE, PINGYI_REPLICA=OPTIONS
    ):
        yield path
    _forget_health()


def _reads(client: Client, url: str) -> tuple[Any, int, int]:
    """GET url (streamed content read to the end); the response and the queries on the primary and the replica."""
    with (
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connection) as on_primary,
    ):
        response = client.get(url)
        if response.streaming:
            response.content_read = b"".join(response.streaming_content)
    return response, len(on_primary), len(on_replica)


transactional = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


@transactional
def test_the_public_page_reads_the_replica_and_a_writer_reads_the_primary(world, replica):
    District.objects.create(code="420199", name="新设区")  # after the copy: the replica lags by this district
    anonymous = Client()
    response, _, on_replica = _reads(anonymous, "/public/")
    assert response.status_code == 200 and on_replica > 0
    assert "/public/420199/" not in response.content.decode()
    # Any write pins the browser to the primary: it reads its own write at once.
    assert PIN_COOKIE in anonymous.post("/public/").cookies
    pinned, _, on_replica = _reads(anonymous, "/public/")
    assert pinned.status_code == 200 and on_replica == 0
    assert 'href="/public/420199/"' in pinned.content.decode()
    # Another browser, not pinned, still reads the replica.
    assert _reads(Client(), "/public/")[2] > 0


@transactional
def test_a_forged_or_expired_pin_is_ignored(world, replica):
    forged = Client()
    forged.cookies[PIN_COOKIE] = "1"
    assert _reads(forged, "/public/")[2] > 0
    pinned = Client()
    pinned.post("/public/")
    with override_settings(PINGYI_REPLICA={**OPTIONS, "pin_seconds": 0}):
        assert _reads(pinned, "/public/")[2] > 0


@transactional
def test_only_the_named_views_read_the_replica(world, replica):
    inspector = world.client("inspector")
    assert _reads(inspector, "/insight/")[2] > 0
    assert _reads(inspector, "/tickets/")[2] == 0
    assert _reads(inspector, "/ratings/")[2] == 0
    assert routed_view("insight:dashboard") and routed_view("reports:table_export")
    assert routed_view("disclosure:screen_data") and not routed_view("disclosure:manage_list")
    assert not routed_view("reports:report_detail") and not routed_view("tickets:ticket_list")


@transactional
def test_a_streamed_export_reads_its_rows_from_the_replica(world, replica):
    response, _, on_replica = _reads(
        world.client("inspector"), "/reports/export/tickets.csv?start=2026-01-01&end=2026-01-31"
    )
    assert response.status_code == 200 and response.streaming
    assert response.content_read.startswith("\ufeff".encode())
    assert on_replica > 0


@transactional
def test_the_signed_in_user_and_the_session_are_read_from_the_primary(world, replica):
    User.objects.filter(username="inspector").update(is_active=False)  # deactivated after the copy
    response = world.client("inspector").get("/insight/")
    assert response.status_code == 302 and "/login/" in response["Location"]


@transactional
def test_a_replica_that_cannot_be_opened_is_not_read(world, replica, tmp_path):
    _attach(tmp_path / "missing" / "replica.sqlite3")
    _forget_health()
    with CaptureQueriesContext(connection) as on_primary:  # (counting the replica's would open it)
        response = Client().get("/public/")
    assert response.status_code == 200 and len(on_primary) > 0
    assert f'href="/public/{world.district.code}/"' in response.content.decode()
    assert not dbrouter.HEALTH.healthy


@transactional
def test_a_replica_that_fails_during_the_page_is_answered_again_from_the_primary(world, replica, tmp_path):
    broken = tmp_path / "empty.sqlite3"
    sqlite3.connect(broken).close()  # opens, answers SELECT 1, has no table at all
    _attach(broken)
    _forget_health()
    # (the test client would re-raise the first attempt's error, which the server logs and answers again)
    response = Client(raise_request_exception=False).get("/public/")
    assert response.status_code == 200
    assert f'href="/public/{world.district.code}/"' in response.content.decode()
    assert not dbrouter.HEALTH.healthy  # and the next pages read the primary until the next check


@transactional
def test_the_router_reads_the_primary_in_a_transaction_and_writes_the_primary_always(world, replica):
    router = ReplicaRouter()
    assert router.db_for_read(District) == "default"  # outside a block
    with replica_reads() as state:
        assert router.db_for_read(District) == REPLICA and state.used
        assert router.db_for_read(User) == "default"
        with transaction.atomic():
            assert router.db_for_read(District) == "default"
        district = District.objects.get(code=world.district.code)
        assert district._state.db == REPLICA
        district.name = "测试区（改）"
        district.save()  # to the primary, though read from the replica
        assert state.wrote
    assert District.objects.get(pk=district.pk).name == "测试区（改）"
    with replica_reads(replica=False):
        assert router.db_for_read(District) == "default"
    assert (
        router.allow_migrate(REPLICA, "catalog") is False
        and router.allow_migrate("default", "catalog") is None
    )
