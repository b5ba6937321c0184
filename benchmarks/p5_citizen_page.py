"""Benchmark P5 — the citizen rating page's first load: bytes transferred and requests to other origins.

Seeds a fresh PINGYI_HOME with the demo data (`pingyi demo --no-serve`, SQLite), issues a QR poster for the first
window, serves the application with `pingyi serve` (gunicorn) on loopback and opens /r/<token> in Debian's Chromium
at phone size (390×844) with an empty cache. Chrome's DevTools protocol reports every request; the figure is the sum
of ``encodedDataLength`` at ``Network.loadingFinished`` (response headers + body as received on the wire).

Goals: at most 30 KB (30 × 1024 bytes) on first load (HTML + CSS + JS), and 0 requests to any other origin.
Results are printed and appended to BENCHMARKS.md (``--no-write`` to skip).

    .venv/bin/python benchmarks/p5_citizen_page.py [--port 8751] [--home /tmp/home-r1/p5] [--no-write]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
CHROMIUM = os.environ.get("PINGYI_CHROMIUM", "/usr/bin/chromium")
GOAL_BYTES = 30 * 1024
GOAL_FOREIGN = 0


@dataclass
class Load:
    url: str
    status: int = 0
    total: int = 0
    rows: list[tuple[str, str, int, int]] = field(default_factory=list)  # url, type, status, bytes
    foreign: list[str] = field(default_factory=list)


def env(home: Path, port: int) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k != "PINGYI_DATABASE_URL"}
    return {
        **base,
        "PINGYI_HOME": str(home),
        "PINGYI_HTTPS": "0",
        "PINGYI_SITE_URL": f"http://127.0.0.1:{port}",
        "PINGYI_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PINGYI_LOG_LEVEL": "WARNING",
    }


def prepare(home: Path, port: int) -> str:
    """A fresh home with the demo data and one poster; returns the poster token."""
    if home.exists():
        shutil.rmtree(home)
    home.mkdir(parents=True)
    subprocess.run(
        [str(BIN / "pingyi"), "demo", "--no-serve"],
        env=env(home, port),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    code = (
        "import django; django.setup()\n"
        "from pingyi.catalog.models import Window\n"
        "from pingyi.ratings.posters.services import poster_issue\n"
        "print(poster_issue(actor=None, window=Window.objects.filter(active=True).order_by('pk').first()).token)\n"
    )
    out = subprocess.run(
        [str(BIN / "python"), "-c", code],
        env={**env(home, port), "DJANGO_SETTINGS_MODULE": "pingyi.settings"},
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip().splitlines()[-1]


def serve(home: Path, port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [str(BIN / "pingyi"), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--no-migrate"],
        env=env(home, port),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    stop(server)
    raise SystemExit(f"the server did not come up on port {port}")


def stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def measure(url: str) -> Load:
    from playwright.sync_api import sync_playwright

    load = Load(url)
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    requests: dict[str, dict[str, Any]] = {}
    with sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})

        def sent(event: dict[str, Any]) -> None:
            request_url = event["request"]["url"]
            requests.setdefault(event["requestId"], {"url": request_url, "type": event.get("type", "")})
            if urlsplit(request_url).scheme in {"http", "https", "ws", "wss"}:
                if "{0.scheme}://{0.netloc}".format(urlsplit(request_url)) != origin:
                    load.foreign.append(request_url)

        def received(event: dict[str, Any]) -> None:
            requests.setdefault(event["requestId"], {"url": event["response"]["url"]})
            requests[event["requestId"]]["status"] = event["response"]["status"]
            requests[event["requestId"]]["type"] = event.get("type", "")

        def finished(event: dict[str, Any]) -> None:
            requests.setdefault(event["requestId"], {"url": "?"})["bytes"] = int(event["encodedDataLength"])

        cdp.on("Network.requestWillBeSent", sent)
        cdp.on("Network.responseReceived", received)
        cdp.on("Network.loadingFinished", finished)
        response = page.goto(url, wait_until="networkidle")
        load.status = response.status if response else 0
        browser.close()
    for info in requests.values():
        load.rows.append((info["url"], info.get("type", ""), info.get("status", 0), info.get("bytes", 0)))
    load.total = sum(row[3] for row in load.rows)
    return load


def machine() -> str:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    nproc = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"nproc {nproc}, {platform.machine()}, CPU {model}, Python {platform.python_version()}"


def report(load: Load) -> str:
    kb = load.total / 1024
    lines = [
        f"First load of /r/W… (a poster token): HTTP {load.status}, {len(load.rows)} requests.",
        "",
        "| resource | type | status | bytes (headers + body) |",
        "| --- | --- | ---: | ---: |",
    ]
    for url, kind, status, size in load.rows:
        path = urlsplit(url).path
        shown = "/r/W…" if path.startswith("/r/") else path
        lines.append(f"| {shown} | {kind} | {status} | {size:,} |")
    lines += [
        "",
        "| measure | measured | goal | ratio |",
        "| --- | ---: | ---: | ---: |",
        f"| bytes transferred on first load | {load.total:,} B ({kb:.1f} KB) | ≤ {GOAL_BYTES:,} B (30 KB) "
        f"| {load.total / GOAL_BYTES:.2f} |",
        f"| requests to other origins | {len(load.foreign)} | {GOAL_FOREIGN} | "
        f"{'—' if GOAL_FOREIGN == 0 else len(load.foreign) / GOAL_FOREIGN} |",
    ]
    return "\n".join(lines)


def write(text: str) -> None:
    path = ROOT / "BENCHMARKS.md"
    existing = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if not existing.endswith("\n"):
        existing += "\n"
    section = (
        f"\n## P5 — citizen rating page, first load ({datetime.now():%Y-%m-%d %H:%M})\n\n"
        f"Machine: {machine()}. Run: `.venv/bin/python benchmarks/p5_citizen_page.py` — demo data on SQLite, "
        "`pingyi serve` (gunicorn, 1 worker), Debian Chromium at 390×844 with the cache disabled; bytes are "
        "Chrome's `encodedDataLength` (headers + body, uncompressed: nothing on this path is gzipped).\n\n"
        f"{text}\n"
    )
    path.write_text(existing + section, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, default=8751)
    parser.add_argument("--home", type=Path, default=Path("/tmp/home-r1/p5"))
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    token = prepare(args.home, args.port)
    server = serve(args.home, args.port)
    try:
        load = measure(f"http://127.0.0.1:{args.port}/r/{token}")
    finally:
        stop(server)
    text = report(load)
    print(f"Machine: {machine()}\n")
    print(text)
    if not args.no_write:
        write(text)
        print("\nAppended to BENCHMARKS.md")
    ok = load.status == 200 and load.total <= GOAL_BYTES and len(load.foreign) == GOAL_FOREIGN
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
