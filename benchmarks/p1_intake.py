"""Benchmark P1 — rating intake throughput and latency on PostgreSQL, against a bare one-INSERT endpoint.

Creates a fresh database (pingyi_bench), migrates, seeds a small catalogue with QR posters, then serves the real
application with `pingyi serve` (gunicorn, `--workers N`, 4 threads each) twice on loopback: one server for the
rating endpoint, one for the bare endpoint (same settings, same middleware, same gunicorn configuration; the bare
view does one INSERT into a bench table). wrk drives both with distinct phones and device cookies per request.

Measured: max throughput of each (best of the worker counts tried), p99 latency of the rating endpoint at half its
max rate, and that every acknowledged (2xx) rating id is in the database. A py-spy profile of the rating server
follows. Results are printed and appended to BENCHMARKS.md (``--no-write`` to skip).

``--fast`` adds a third server in the same run, for the one-statement intake (``intake_sql.rating_submit_fast``
behind POST /bench/rate_fast/<token>, otherwise the same view); the half-rate latency run and the profile are then
done for both rating endpoints, the profile for the fast one. ``--lean`` adds a fourth: the fast intake behind a view
that also looks the poster up with one raw query instead of the ORM (POST /bench/rate_lean/<token>).

Environment: P1_DB (database name), P1_PG_ADMIN, P1_PORT (first of four consecutive ports, default 8711), P1_WORK
(scratch directory, default $TMPDIR/p1-bench), PINGYI_HOME (default P1_WORK/home) — so that two people can run it
at once on one host.

    .venv/bin/python benchmarks/p1_intake.py [--duration 15] [--workers 2,3,4] [--connections 32] [--fast]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import platform
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
BIN = ROOT / ".venv" / "bin"
PG_ADMIN = os.environ.get("P1_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
DB_NAME = os.environ.get("P1_DB", "pingyi_bench")
DB_URL = PG_ADMIN.rsplit("/", 1)[0] + "/" + DB_NAME
PORT = int(os.environ.get("P1_PORT", "8711"))
PORTS = {"rating": PORT, "bare": PORT + 1, "fast": PORT + 2, "lean": PORT + 3}
PY_SPY = shutil.which("py-spy") or "/tmp/p1tools/bin/py-spy"
WORK = Path(os.environ.get("P1_WORK") or Path(tempfile.gettempdir()) / "p1-bench")
HOME = Path(os.environ.get("PINGYI_HOME") or WORK / "home")
VARIANT_PATHS = {"fast": "/bench/rate_fast/", "lean": "/bench/rate_lean/"}


@dataclass
class Run:
    rps: float
    ok: int
    non2xx: int
    errors: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    cpu: dict[str, float]


def env() -> dict[str, str]:
    return {
        **os.environ,
        "PINGYI_HOME": str(HOME),
        "PINGYI_DATABASE_URL": DB_URL,
        "DJANGO_SETTINGS_MODULE": "p1_app.settings",
        "PYTHONPATH": str(BENCH),
        "PINGYI_HTTPS": "0",
        "PINGYI_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }


# --- database ----------------------------------------------------------------------------------------------------


def create_database() -> list[str]:
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{DB_NAME}"')
    subprocess.run([str(BIN / "pingyi"), "migrate", "--no-input", "-v", "0"], env=env(), check=True)
    code = "import django, json; django.setup(); from p1_app.seed import seed; print(json.dumps(seed()))"
    out = subprocess.run(
        [str(BIN / "python"), "-c", code], env=env(), check=True, capture_output=True, text=True
    )
    with psycopg.connect(DB_URL, autocommit=True) as db:
        db.execute(
            "CREATE TABLE p1_bench (id bigserial PRIMARY KEY, payload text, at timestamptz DEFAULT now())"
        )
    return json.loads(out.stdout.strip().splitlines()[-1])


def sql_one(query: str, *params: Any) -> Any:
    with psycopg.connect(DB_URL, autocommit=True) as db:
        row = db.execute(query, params).fetchone()
    return row[0] if row else None


# --- servers -----------------------------------------------------------------------------------------------------


class Server:
    def __init__(self, name: str, workers: int) -> None:
        self.name, self.port, self.workers = name, PORTS[name], workers
        log = open(WORK / f"{name}-w{workers}.log", "w")  # noqa: SIM115 (closed with the server)
        self.log = log
        self.proc = subprocess.Popen(  # noqa: S603
            [
                str(BIN / "pingyi"),
                "serve",
                "--no-migrate",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
            ],
            env=env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as r:  # noqa: S310
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"{name} server did not start; see {log.name}")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def pids(self) -> list[int]:
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        kids = [int(p) for p in children.read_text().split()] if children.exists() else []
        return [self.proc.pid, *kids]

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # the process group this script started
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


# --- load --------------------------------------------------------------------------------------------------------


def bench_backends() -> list[int]:
    """PostgreSQL backends serving the benchmark database (the servers' persistent connections)."""
    with psycopg.connect(DB_URL, autocommit=True) as db:
        rows = db.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [DB_NAME]
        ).fetchall()
    return [row[0] for row in rows]


def cpu_ticks(pids: list[int]) -> int:
    """CPU ticks used so far by these processes (from /proc; a process gone meanwhile counts as 0)."""
    total = 0
    for pid in pids:
        try:
            text = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        total += int(fields[11]) + int(fields[12])
    return total


def lua_script(paths: list[str]) -> Path:
    template = (BENCH / "p1_app" / "load.lua").read_text()
    script = WORK / f"load-{abs(hash(tuple(paths)))}.lua"
    script.write_text(template.replace("__PATHS__", ", ".join(json.dumps(p) for p in paths)))
    return script


def wrk(
    server: Server,
    script: Path,
    *,
    connections: int,
    seconds: float,
    run: int,
    delay_ms: int = 0,
    ids: str = "",
) -> Run:
    """One wrk run against ``server``; CPU is that of the server's processes, its database backends and wrk."""
    app, backends = server.pids(), bench_backends()
    before = (cpu_ticks(app), cpu_ticks(backends), resource.getrusage(resource.RUSAGE_CHILDREN))
    started = time.monotonic()
    out = subprocess.run(  # noqa: S603
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "5s",
            "-s",
            str(script),
            server.base,
            "--",
            str(run),
            str(delay_ms),
            ids,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.monotonic() - started
    hz = os.sysconf("SC_CLK_TCK")
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = {
        "app": round((cpu_ticks(app) - before[0]) / hz / wall, 2),
        "postgres": round((cpu_ticks(backends) - before[1]) / hz / wall, 2),
        "wrk": round(
            (children.ru_utime + children.ru_stime - before[2].ru_utime - before[2].ru_stime) / wall, 2
        ),
    }
    line = next(line for line in out.stdout.splitlines() if line.startswith("P1JSON "))
    data = json.loads(line[7:])
    errors = data["connect"] + data["read"] + data["write"] + data["timeout"]
    return Run(
        rps=data["ok"] / (data["duration_us"] / 1e6),
        ok=data["ok"],
        non2xx=data["non2xx"],
        errors=errors,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        cpu=cpu,
    )


def pick_rating_path(server: Server, tokens: list[str]) -> str:
    """POST /r/<token> in JSON mode if the citizen page offers it; otherwise the benchmark's own JSON endpoint."""
    request = urllib.request.Request(  # noqa: S310
        f"{server.base}/r/{tokens[0]}",
        data=json.dumps({"level": 5}).encode(),
        headers={
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Cookie": "pyd=" + "p" * 32,
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            if 200 <= response.status < 300 and b'"id"' in response.read():
                return "/r/"
    except OSError:
        pass
    return "/bench/rate/"


# --- profile -----------------------------------------------------------------------------------------------------


def profile(server: Server, script: Path, connections: int, seconds: int) -> list[tuple[str, float]]:
    """py-spy samples of the rating workers under full load: inclusive share per function, top first."""
    if not Path(PY_SPY).exists():
        return []
    raw = WORK / "profile.txt"
    spy = subprocess.Popen(  # noqa: S603
        [
            PY_SPY,
            "record",
            "--pid",
            str(server.proc.pid),
            "--subprocesses",
            "--format",
            "raw",
            "--rate",
            "200",
            "--duration",
            str(seconds),
            "--nonblocking",
            "-o",
            str(raw),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wrk(server, script, connections=connections, seconds=seconds, run=9)
    spy.wait(timeout=60)
    if not raw.exists():
        return []
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        total += int(count)
        names = set()
        for frame in stack.split(";"):
            name, _, where = frame.partition(" (")
            if "pingyi/" in where or "p1_app" in where or "django/" in where or "psycopg" in where:
                module = where.split("site-packages/")[-1].split("/main/")[-1].split(":")[0]
                names.add(f"{module}:{name}")
        for name in names:
            inclusive[name] += int(count)
    return [(name, 100 * n / total) for name, n in inclusive.most_common(40)] if total else []


# --- report ------------------------------------------------------------------------------------------------------


def machine(load: str) -> str:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "?",
    )
    pg = sql_one("SHOW server_version")
    return f"load average at start {load}; nproc {os.cpu_count()}, {platform.machine()}, {model}, PostgreSQL {pg}, Python {platform.python_version()}"


def half_rate(server: Server, script: Path, target: float, seconds: int) -> tuple[Run, int, int, int, int]:
    """A run at ``target`` requests/s: the run, its connections, ids acknowledged, ids found, rows added."""
    connections = max(4, round(target * 0.02))
    delay = max(1, round(connections * 1000 / target))
    calib = wrk(server, script, connections=connections, seconds=5, run=7, delay_ms=delay)
    delay = max(1, round(delay * calib.rps / target))
    stored_before = sql_one("SELECT count(*) FROM ratings_rating")
    ids_prefix = str(WORK / "ids")
    for old in WORK.glob("ids.*"):
        old.unlink()
    half = wrk(
        server, script, connections=connections, seconds=seconds, run=8, delay_ms=delay, ids=ids_prefix
    )
    stored_after = sql_one("SELECT count(*) FROM ratings_rating")
    ids = [int(x) for f in WORK.glob("ids.*") for x in f.read_text().split()]
    found = sql_one("SELECT count(*) FROM ratings_rating WHERE id = ANY(%s)", ids)
    return half, connections, len(ids), found, stored_after - stored_before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds per max-throughput run")
    parser.add_argument("--workers", default="2,3,4", help="gunicorn worker counts to try (4 threads each)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--fast", action="store_true", help="also measure the one-statement intake (intake_sql)"
    )
    parser.add_argument(
        "--lean", action="store_true", help="and the one-statement intake with a raw poster lookup"
    )
    parser.add_argument("--no-write", action="store_true", help="do not append to BENCHMARKS.md")
    parser.add_argument("--no-profile", action="store_true")
    args = parser.parse_args()
    load = "/".join(Path("/proc/loadavg").read_text().split()[:3])
    WORK.mkdir(parents=True, exist_ok=True)
    HOME.mkdir(parents=True, exist_ok=True)
    print(f"creating {DB_NAME}, migrating, seeding …", flush=True)
    tokens = create_database()
    bare_script = lua_script(["/bench/bare"])
    variants = ["rating", *(["fast"] if args.fast else []), *(["lean"] if args.lean else [])]
    results: dict[int, dict[str, Run]] = {}
    rating_path = ""
    run_no = 0
    for workers in [int(w) for w in args.workers.split(",")]:
        servers = {name: Server(name, workers) for name in ["bare", *variants]}
        try:
            rating_path = rating_path or pick_rating_path(servers["rating"], tokens)
            scripts = {
                "bare": bare_script,
                "rating": lua_script([rating_path + t for t in tokens]),
                **{v: lua_script([path + t for t in tokens]) for v, path in VARIANT_PATHS.items()},
            }
            results[workers] = {}
            for name in ["bare", *variants]:
                run_no += 1
                wrk(servers[name], scripts[name], connections=args.connections, seconds=3, run=run_no % 10)
                run_no += 1
                r = wrk(
                    servers[name],
                    scripts[name],
                    connections=args.connections,
                    seconds=args.duration,
                    run=run_no % 10,
                )
                results[workers][name] = r
                print(
                    f"workers={workers} {name:6s} {r.rps:7.0f}/s ok={r.ok} non2xx={r.non2xx} errors={r.errors} "
                    f"p50={r.p50_ms:.1f}ms p99={r.p99_ms:.1f}ms cpu={r.cpu}",
                    flush=True,
                )
        finally:
            for server in servers.values():
                server.stop()
    bare_best = max(r["bare"].rps for r in results.values())
    best: dict[str, int] = {}
    halves: dict[str, tuple[Run, int, int, int, int]] = {}
    top: list[tuple[str, float]] = []
    profiled = "fast" if "fast" in variants else variants[-1]
    for name in variants:
        best[name] = max(results, key=lambda w, n=name: results[w][n].rps)  # type: ignore[misc]
        target = results[best[name]][name].rps / 2
        server = Server(name, best[name])
        try:
            script = lua_script([VARIANT_PATHS.get(name, rating_path) + t for t in tokens])
            halves[name] = half_rate(server, script, target, max(20, args.duration))
            half, connections, acked, found, added = halves[name]
            print(
                f"{name}: half rate {half.rps:.0f}/s (target {target:.0f}) p50={half.p50_ms:.1f}ms "
                f"p99={half.p99_ms:.1f}ms acked={half.ok} ids={acked} found={found} stored={added}",
                flush=True,
            )
            if name == profiled and not args.no_profile:
                top = profile(server, script, args.connections, 10)
        finally:
            server.stop()
    endpoint = (
        "POST /r/<token> (JSON mode of the citizen page)"
        if rating_path == "/r/"
        else "POST /bench/rate/<token> (benchmark URLconf: poster lookup + device/network fingerprint + "
        "rating_submit, as the QR channel /r/ does, without its CSRF token round trip)"
    )
    names = {"rating": "rating", "fast": "fast (one statement)", "lean": "lean (fast + raw poster lookup)"}
    lines = [
        f"\n## P1 — rating intake ({datetime.now().astimezone():%Y-%m-%d %H:%M %Z})\n",
        f"- Machine: {machine(load)}; everything (PostgreSQL, gunicorn, wrk) on the same host, loopback.",
        f"- Server: `pingyi serve` = gunicorn, 4 threads per worker, access log on; workers tried "
        f"{args.workers}, best for ratings: {best['rating']}. Database {DB_NAME} (fresh, migrated, 20 windows "
        "with posters).",
        f"- Rating endpoint: {endpoint}. Bare endpoint: POST /bench/bare, a Django view (same settings, middleware "
        "and gunicorn configuration, other port) doing one INSERT into a bench table.",
        *(
            [
                "- Fast endpoint: POST /bench/rate_fast/<token>, the same view calling "
                "`intake_sql.rating_submit_fast` (one SQL statement per rating) instead of `rating_submit`."
            ]
            if args.fast
            else []
        ),
        *(
            [
                "- Lean endpoint: POST /bench/rate_lean/<token>, the fast intake behind a view that looks the poster "
                "up with one raw query (same condition) instead of the ORM."
            ]
            if args.lean
            else []
        ),
        f"- Load: wrk 1 thread, {args.connections} connections, {args.duration} s per run after a 3 s warm-up; "
        "every request a distinct phone and device cookie (no rate limit trips).",
        "",
        "| workers | bare /s | "
        + " | ".join(f"{names[n]} /s | {names[n]} p99 at max (ms) | CPU app/pg/wrk at max" for n in variants)
        + " |",
        "|---|---|" + "---|---|---|" * len(variants),
        *[
            f"| {w} | {r['bare'].rps:.0f} | "
            + " | ".join(
                f"{r[n].rps:.0f} | {r[n].p99_ms:.1f} | "
                f"{r[n].cpu.get('app', 0)}/{r[n].cpu.get('postgres', 0)}/{r[n].cpu.get('wrk', 0)}"
                for n in variants
            )
            + " |"
            for w, r in results.items()
        ],
        "",
    ]
    for name in variants:
        rating_max = results[best[name]][name]
        ratio = rating_max.rps / bare_best if bare_best else 0.0
        half, connections, acked, found, added = halves[name]
        lines += [
            f"- **{names[name]}: ratio to bare {100 * ratio:.0f} %** (goal ≥ 60 %) — {rating_max.rps:.0f} vs "
            f"{bare_best:.0f} /s; **{rating_max.rps:.0f} ratings/s** (goal ≥ 1,000) with {best[name]} workers.",
            f"- **{names[name]}: p99 at half rate {half.p99_ms:.1f} ms** (goal < 50 ms) — {half.rps:.0f}/s for a "
            f"target of {rating_max.rps / 2:.0f}/s, {connections} connections, p50 {half.p50_ms:.1f} ms. "
            f"Acknowledged ratings stored: {found} of {acked} ids found ({half.ok} 2xx, {half.non2xx} non-2xx, "
            f"{half.errors} socket errors; rows added {added}).",
        ]
    if top:
        lines += [
            "",
            f"Profile of the {names[profiled]} workers at max load (py-spy, inclusive share):",
            "",
        ]
        lines += [f"    {share:5.1f} %  {name}" for name, share in top[:25]]
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        target_file = ROOT / "BENCHMARKS.md"
        if not target_file.exists():
            target_file.write_text("# Benchmarks\n")
        with target_file.open("a", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    sys.exit(main())
