"""/healthz answers without the database; /readyz reports each check and answers 503 when one fails."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

from pingyi.ops import health
from pingyi.ops.models import Heartbeat
from pingyi.ops.tasks import heartbeat
from pingyi.workdays.days import calendar_changed
from pingyi.workdays.models import HolidayNotice
from pingyi.workdays.tasks import LOOKAHEAD_DAYS


@pytest.fixture
def calendar_known(db):
    """A notice for every year of the look-ahead that chinese-calendar may not know yet."""
    today = timezone.localdate()
    for year in {today.year, (today + timedelta(days=LOOKAHEAD_DAYS)).year}:
        HolidayNotice.objects.get_or_create(
            year=year, defaults={"title": f"{year}年通知", "url": "https://x.cn"}
        )
    calendar_changed()


@pytest.fixture
def ready(calendar_known, settings):
    settings.PINGYI_OPS = {**settings.PINGYI_OPS, "disk_free_min_mib": 0}
    heartbeat()


def test_healthz_answers_without_touching_the_database(client):
    response = client.get("/healthz")  # no db fixture: pytest-django fails any database access
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_is_ok_with_every_check_passing(ready, client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "worker", "calendar", "disk"}
    assert all(check["ok"] for check in body["checks"].values())


def test_readyz_fails_when_the_worker_heartbeat_is_old(ready, client, settings):
    limit = settings.PINGYI_OPS["heartbeat_max_age_seconds"]
    Heartbeat.objects.update(beat_at=timezone.now() - timedelta(seconds=limit + 5))
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert not checks["worker"]["ok"] and f"limit {limit} s" in checks["worker"]["detail"]
    assert checks["database"]["ok"] and checks["calendar"]["ok"] and checks["disk"]["ok"]


def test_readyz_fails_without_any_heartbeat(calendar_known, client, settings):
    settings.PINGYI_OPS = {**settings.PINGYI_OPS, "disk_free_min_mib": 0}
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "pingyi worker" in response.json()["checks"]["worker"]["detail"]


def test_readyz_fails_when_disk_space_is_short(ready, client, settings):
    settings.PINGYI_OPS = {**settings.PINGYI_OPS, "disk_free_min_mib": 1 << 40}
    response = client.get("/readyz")
    assert response.status_code == 503 and not response.json()["checks"]["disk"]["ok"]


def test_readyz_may_run_only_the_checks_asked_for(calendar_known, client, settings):
    settings.PINGYI_OPS = {**settings.PINGYI_OPS, "disk_free_min_mib": 0}
    response = client.get("/readyz?check=database&check=disk")  # no heartbeat: the worker check would fail
    assert response.status_code == 200
    assert set(response.json()["checks"]) == {"database", "disk"}


def test_the_calendar_check_fails_for_a_year_nobody_knows(db):
    calendar_changed()
    check = health.check_calendar(today=date(2200, 12, 1))
    assert not check.ok and "2200" in check.detail and "2201" in check.detail


def test_the_database_check_fails_when_the_database_does_not_answer(db, monkeypatch):
    class Down:
        vendor = "postgresql"

        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(health, "connection", Down())
    check = health.check_database()
    assert not check.ok and "connection refused" in check.detail


def test_the_heartbeat_job_stamps_where_it_ran(db):
    heartbeat()
    beat = Heartbeat.objects.get(name=health.HEARTBEAT)
    assert beat.pid and beat.host and (timezone.now() - beat.beat_at).total_seconds() < 5


def test_probes_are_not_redirected_to_https(db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert Client().get("/healthz").status_code == 200
