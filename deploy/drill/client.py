"""The drill's clients, run in the `client` namespace: every request goes through the proxy, over TLS.

    python deploy/drill/client.py wait URL...        until each URL answers (plain HTTP, to the app hosts)
    python deploy/drill/client.py ratings SPEC.json  a bounded rating load: window-device ratings (an Idempotency-Key
                                                     each, retried on failure) and citizen JSON posts (not retried)
    python deploy/drill/client.py pages SPEC.json    sign in as the inspector, then read a dashboard, an export and
                                                     the public page
    python deploy/drill/client.py steady SPEC.json   device reads and ratings at a steady rate, for a while
    python deploy/drill/client.py smoke SPEC.json    a static file, the citizen page, the health check

SPEC holds the proxy's address, the server name, the CA file and the seed's answer; the answer is one JSON object
on the last line of standard output. Requests are bounded in count and in time. Only the drill runs it.
"""

from __future__ import annotations

import http.client
import json
import re
import secrets
import ssl
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

TRANSIENT = {500, 502, 503, 504}


@dataclass
class Answer:
    status: int  # 0: no answer (connection failed)
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    cookies: list[str] = field(default_factory=list)


class Proxy:
    """One keep-alive TLS connection to the proxy (one per thread), reopened after a failure."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.address = spec["proxy"]
        self.server_name = spec["server_name"]
        self.context = ssl.create_default_context(cafile=spec["ca_file"])
        self.context.check_hostname = (
            False  # the proxy is reached by address; its certificate is the drill's own
        )
        self.connection: http.client.HTTPSConnection | None = None

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> Answer:
        every = {"Host": self.server_name, "User-Agent": "pingyi-drill/1", **(headers or {})}
        try:
            if self.connection is None:
                self.connection = http.client.HTTPSConnection(
                    self.address, 443, timeout=30, context=self.context
                )
            self.connection.request(method, path, body=body, headers=every)
            response = self.connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            return Answer(0)
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return Answer(
            response.status,
            content,
            {k.lower(): v for k, v in response.getheaders()},
            response.msg.get_all("Set-Cookie") or [],
        )

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
        self.connection = None


def _paced(total: int, rate: float) -> Iterator[int]:
    """0..total-1, the k-th released at start + k/rate (shared by the threads that take them)."""
    start = time.monotonic()
    for k in range(total):
        delay = start + k / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        yield k


def _device_rating(proxy: Proxy, spec: dict[str, Any], n: int, tag: str) -> dict[str, Any]:
    """One window-device rating, retried with the same Idempotency-Key until stored or out of attempts."""
    record = f"{spec['seed']['record_prefix']}{n:06d}"
    body = json.dumps({"record_no": record, "stage": "finished", "level": 5}).encode()
    headers = {
        "Authorization": f"Bearer {spec['seed']['device_token']}",
        "Content-Type": "application/json",
        "Idempotency-Key": f"drill-{record}",
    }
    attempts: list[int] = []
    started = time.time()
    for attempt in range(8):
        answer = proxy.request(
            "POST", "/api/v1/device/ratings", body, {**headers, "X-Drill-Id": f"{tag}{n}-{attempt}"}
        )
        attempts.append(answer.status)
        if answer.status not in TRANSIENT and answer.status != 0:
            break
        time.sleep(min(2.0, 0.2 * 2**attempt))
    rating_id = json.loads(answer.body)["id"] if answer.status == 201 else None
    return {"n": n, "started": started, "attempts": attempts, "id": rating_id}


def _citizen_rating(proxy: Proxy, spec: dict[str, Any], n: int) -> dict[str, Any]:
    """One citizen JSON post (what rate.js sends), each from a browser of its own; never sent twice."""
    seed = spec["seed"]
    comment = f"{seed['comment_prefix']}{n:06d}"
    body = urlencode({"level": "5", "comment": comment, "ft": seed["form_token"]}).encode()
    started = time.time()
    answer = proxy.request(
        "POST",
        f"/r/{seed['poster']}",
        body,
        {
            "Accept": "application/json",
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": f"https://{spec['server_name']}",
            "Cookie": f"pyd={secrets.token_hex(16)}",
            "X-Drill-Id": f"c{n}",
        },
    )
    ok = answer.status == 200 and json.loads(answer.body).get("ok") is True
    return {"n": n, "started": started, "status": answer.status, "ok": ok, "comment": comment}


def ratings(spec: dict[str, Any]) -> dict[str, Any]:
    """Device and citizen ratings interleaved, paced at spec['rate'] per second over spec['threads'] threads."""
    devices, citizens = int(spec["device_ratings"]), int(spec["citizen_ratings"])
    plan = [("d", n) for n in range(devices)] + [("c", n) for n in range(citizens)]
    plan.sort(key=lambda item: (item[1] / (devices if item[0] == "d" else citizens), item[0]))
    ticks = _paced(len(plan), float(spec["rate"]))
    lock = threading.Lock()
    out: dict[str, list[dict[str, Any]]] = {"device": [], "citizen": []}

    def run() -> None:
        proxy = Proxy(spec)
        while True:
            with lock:
                k = next(ticks, None)
            if k is None:
                break
            kind, n = plan[k]
            if kind == "d":
                result = _device_rating(proxy, spec, n, "d")
                with lock:
                    out["device"].append(result)
            else:
                result = _citizen_rating(proxy, spec, n)
                with lock:
                    out["citizen"].append(result)
        proxy.close()

    threads = [threading.Thread(target=run) for _ in range(int(spec["threads"]))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return out


def _login(proxy: Proxy, spec: dict[str, Any]) -> dict[str, str]:
    """Sign in through the login form (CSRF cookie and token, Referer over HTTPS); the cookies of the session."""
    jar: dict[str, str] = {}

    def keep(answer: Answer) -> None:
        for header in answer.cookies:
            for name, morsel in SimpleCookie(header).items():
                jar[name] = morsel.value

    page = proxy.request("GET", "/login/")
    keep(page)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    if page.status != 200 or token is None:
        raise SystemExit(f"login page: {page.status}")
    form = {
        "username": spec["seed"]["inspector"],
        "password": spec["seed"]["password"],
        "csrfmiddlewaretoken": token[1].decode(),
    }
    answer = proxy.request(
        "POST",
        "/login/",
        urlencode(form).encode(),
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
            "Referer": f"https://{spec['server_name']}/login/",
        },
    )
    keep(answer)
    if answer.status != 302:
        raise SystemExit(f"login: {answer.status} {answer.body[:300]!r}")
    return jar


def pages(spec: dict[str, Any]) -> dict[str, Any]:
    """Each page spec['rounds'] times after signing in and waiting out the pin; the statuses seen per page."""
    proxy = Proxy(spec)
    jar = _login(proxy, spec)
    jar.pop("pingyi_primary", None)  # what the browser holds once the pin has expired …
    time.sleep(float(spec.get("pin_wait", 0)))  # … which it also has, by the clock
    cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
    urls = {
        "dashboard": "/insight/",
        "export": "/reports/export/tickets.csv?start=2026-01-01&end=2026-12-31",
        "public": f"/public/{spec['seed']['district']}/",
    }
    seen: dict[str, list[int]] = {name: [] for name in urls}
    for _ in range(int(spec["rounds"])):
        for name, url in urls.items():
            answer = proxy.request("GET", url, headers={"Cookie": cookie})
            seen[name].append(answer.status)
    proxy.close()
    return {"statuses": seen}


def steady(spec: dict[str, Any]) -> dict[str, Any]:
    """Alternating device reads (GET /api/v1/device/me) and device ratings, paced, for spec['seconds'] seconds."""
    total = int(float(spec["seconds"]) * float(spec["rate"]))
    ticks = _paced(total, float(spec["rate"]))
    lock = threading.Lock()
    reads: list[dict[str, Any]] = []
    writes: list[dict[str, Any]] = []
    first = int(spec["first_record"])
    auth = {"Authorization": f"Bearer {spec['seed']['device_token']}"}

    def run() -> None:
        proxy = Proxy(spec)
        while True:
            with lock:
                k = next(ticks, None)
            if k is None:
                break
            if k % 2 == 0:
                started = time.time()
                answer = proxy.request("GET", "/api/v1/device/me", headers={**auth, "X-Drill-Id": f"s{k}"})
                with lock:
                    reads.append({"started": started, "ended": time.time(), "status": answer.status})
            else:
                result = _device_rating(proxy, spec, first + k // 2, "s")
                result["ended"] = time.time()
                with lock:
                    writes.append(result)
        proxy.close()

    threads = [threading.Thread(target=run) for _ in range(int(spec["threads"]))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return {"reads": reads, "writes": writes}


def smoke(spec: dict[str, Any]) -> dict[str, Any]:
    """A static file (served by the proxy or, not collected, by the app), the citizen page, the health check."""
    proxy = Proxy(spec)
    static = proxy.request("GET", "/static/vendor/htmx.min.js")
    citizen = proxy.request("GET", f"/r/{spec['seed']['poster']}")
    health = proxy.request("GET", "/healthz")
    proxy.close()
    return {
        "static": static.status,
        "citizen": citizen.status,
        "healthz": health.status,
        "health": health.body.decode(),
    }


def wait(urls: list[str], seconds: float = 120.0) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    waited = {}
    for url in urls:
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (the drill's own hosts)
                    waited[url] = response.status
                    break
            except urllib.error.HTTPError as exc:  # an answer all the same: the server is up
                waited[url] = exc.code
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit(f"{url} did not answer within {seconds:.0f} s") from None
                time.sleep(0.5)
    return waited


def main(argv: list[str]) -> None:
    command = argv[0]
    if command == "wait":
        answer = wait(argv[1:])
    else:
        with open(argv[1], encoding="utf-8") as handle:
            spec = json.load(handle)
        answer = {"ratings": ratings, "pages": pages, "steady": steady, "smoke": smoke}[command](spec)
    print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
