"""Behind the proxy, the citizen's address is the one nginx appended to X-Forwarded-For, and only a trusted proxy's
header is believed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from pingyi.lib.forwarded import ForwardedFor, trusted_networks

ROOT = Path(__file__).resolve().parents[2]


def _seen(trusted: list[str], remote: str, forwarded: str | None) -> tuple[str, str | None]:
    seen: dict[str, Any] = {}

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.update(environ)
        start_response("200 OK", [])
        return [b""]

    environ = {"REMOTE_ADDR": remote, "REQUEST_METHOD": "GET", "PATH_INFO": "/"}
    if forwarded is not None:
        environ["HTTP_X_FORWARDED_FOR"] = forwarded
    ForwardedFor(app, trusted_networks(trusted))(environ, lambda *a: None)
    return seen["REMOTE_ADDR"], seen.get("pingyi.proxy_addr")


def test_the_address_the_trusted_proxy_appended_is_the_client() -> None:
    assert _seen(["10.0.10.10"], "10.0.10.10", "203.0.113.7") == ("203.0.113.7", "10.0.10.10")


def test_addresses_the_client_wrote_itself_are_not_believed() -> None:
    # A client sends "X-Forwarded-For: 1.2.3.4"; nginx appends the address it saw: only that one counts.
    assert _seen(["10.0.10.0/24"], "10.0.10.10", "1.2.3.4, 198.51.100.20")[0] == "198.51.100.20"


def test_a_request_not_from_a_trusted_proxy_keeps_its_address() -> None:
    assert _seen(["10.0.10.10"], "198.51.100.99", "1.2.3.4") == ("198.51.100.99", None)
    assert _seen([], "10.0.10.10", "1.2.3.4") == ("10.0.10.10", None)


def test_a_header_that_is_no_address_changes_nothing() -> None:
    assert _seen(["10.0.10.10"], "10.0.10.10", "unknown") == ("10.0.10.10", None)
    assert _seen(["::1"], "::1", "[2001:db8::5]") == ("2001:db8::5", "::1")


def test_the_application_is_wrapped_and_a_bad_proxy_list_stops_the_start(tmp_path: Path) -> None:
    import pingyi.wsgi

    assert isinstance(pingyi.wsgi.application, ForwardedFor)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE",) and not k.startswith("PINGYI_")
    }
    env.update(PINGYI_HOME=str(tmp_path), PINGYI_BEHIND_PROXY="1", PINGYI_FORWARDED_ALLOW_IPS="10.0.10.300")
    done = subprocess.run(
        [sys.executable, "-m", "pingyi", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "PINGYI_FORWARDED_ALLOW_IPS" in done.stderr
