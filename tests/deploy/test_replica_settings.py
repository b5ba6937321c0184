"""Settings: no replica unless PINGYI_REPLICA_DATABASE_URL names one; then the alias, the router and the middleware."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from pingyi.lib import dbrouter
from pingyi.lib.dbrouter import replica_reads

SHOW = """
import json, django
from django.conf import settings
from django.db import connection
django.setup()
print(json.dumps({"replica": settings.DATABASES.get("replica"), "routers": settings.DATABASE_ROUTERS,
                  "middleware": settings.MIDDLEWARE}, default=str))
"""


def _settings_with(env: dict[str, str], home: Path) -> dict:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PINGYI_")}
    environ.update(env, PINGYI_HOME=str(home), DJANGO_SETTINGS_MODULE="pingyi.settings")
    out = subprocess.run(
        [sys.executable, "-c", SHOW], env=environ, capture_output=True, text=True, check=True, timeout=60
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_without_a_replica_nothing_is_routed():
    assert "replica" not in settings.DATABASES and not dbrouter.configured()
    assert "pingyi.lib.dbpin.ReplicaReadsMiddleware" not in settings.MIDDLEWARE
    with replica_reads() as state:
        assert not state.replica


def test_a_replica_url_adds_the_alias_the_router_and_the_middleware(tmp_path):
    shown = _settings_with(
        {
            "PINGYI_DATABASE_URL": "postgres://pingyi@pool:6432/pingyi",
            "PINGYI_REPLICA_DATABASE_URL": "postgres://pingyi_read@replica:5432/pingyi?sslmode=require",
        },
        tmp_path,
    )
    replica = shown["replica"]
    assert (replica["HOST"], replica["PORT"], replica["USER"], replica["NAME"]) == (
        "replica",
        "5432",
        "pingyi_read",
        "pingyi",
    )
    assert replica["OPTIONS"] == {"sslmode": "require", "connect_timeout": "2"}
    assert replica["TEST"]["MIRROR"] == "default"
    assert shown["routers"] == ["pingyi.lib.dbrouter.ReplicaRouter"]
    middleware = shown["middleware"]
    at = middleware.index("pingyi.lib.dbpin.ReplicaReadsMiddleware")
    assert middleware[at - 1] == "pingyi.lib.middleware.RequestIdMiddleware"
    assert at < middleware.index("django.contrib.sessions.middleware.SessionMiddleware")
    unset = _settings_with({}, tmp_path)
    assert unset["replica"] is None and unset["routers"] == []


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_the_lag_query_runs_on_postgresql_and_a_primary_is_no_standby():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's recovery functions")
    with connection.cursor() as cursor:
        cursor.execute(dbrouter.LAG_SQL)
        in_recovery, lag = cursor.fetchone()
    assert in_recovery is False and lag is None  # a primary has replayed nothing
