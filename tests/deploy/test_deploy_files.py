"""The choices the deploy files carry, read as text (the drill runs them; these fail fast when one is edited away)."""

from __future__ import annotations

import re
from configparser import ConfigParser
from pathlib import Path

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def test_a_sent_post_is_never_replayed_on_another_host():
    proxy = (DEPLOY / "nginx" / "pingyi-proxy.conf").read_text(encoding="utf-8")
    retry = re.search(r"^proxy_next_upstream\s+([^;]+);", proxy, re.M)
    assert retry is not None and retry[1].split() == ["error", "timeout"]  # no non_idempotent, no http_5xx
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Request-ID"):
        assert f"proxy_set_header {header}" in proxy


def test_the_upstream_has_passive_health_and_closes_idle_connections_before_gunicorn_does():
    upstream = (DEPLOY / "nginx" / "pingyi-upstream.conf").read_text(encoding="utf-8")
    servers = re.findall(r"^\s*server\s+\S+\s+max_fails=\d+\s+fail_timeout=\d+s;", upstream, re.M)
    assert len(servers) >= 2
    nginx_idle = int(re.search(r"keepalive_timeout\s+(\d+)s;", upstream)[1])
    env = (DEPLOY / "systemd" / "pingyi.env").read_text(encoding="utf-8")
    gunicorn_idle = int(re.search(r"--keep-alive (\d+)", env)[1])
    assert nginx_idle < gunicorn_idle


def test_the_pool_pools_transactions_and_carries_prepared_statements():
    ini = ConfigParser(inline_comment_prefixes=None, comment_prefixes=(";", "#"), strict=False)
    ini.read(DEPLOY / "pgbouncer" / "pgbouncer.ini", encoding="utf-8")
    assert ini["pgbouncer"]["pool_mode"] == "transaction"
    assert int(ini["pgbouncer"]["max_prepared_statements"]) > 0
    assert "pool_mode=session" in ini["databases"]["pingyi_session"]


def test_the_units_serve_without_migrating_and_read_the_environment_file():
    web = (DEPLOY / "systemd" / "pingyi-web@.service").read_text(encoding="utf-8")
    assert re.search(r"^ExecStart=\S+/pingyi serve --no-migrate --bind \$\{PINGYI_BIND_HOST\}:%i$", web, re.M)
    for unit in ("pingyi-web@.service", "pingyi-worker@.service"):
        text = (DEPLOY / "systemd" / unit).read_text(encoding="utf-8")
        assert "EnvironmentFile=/etc/pingyi/pingyi.env" in text and "NoNewPrivileges=yes" in text
        assert "User=pingyi" in text and "ProtectSystem=strict" in text
    env = (DEPLOY / "systemd" / "pingyi.env").read_text(encoding="utf-8")
    for name in ("PINGYI_DB_TRANSACTION_POOLING=1", "PINGYI_BEHIND_PROXY=1", "PINGYI_REPLICA_DATABASE_URL="):
        assert name in env
