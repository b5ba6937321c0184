"""Benchmark P1 — rating intake over HTTP on PostgreSQL, side by side with bare one-INSERT endpoints, in one run.

    .venv/bin/python benchmarks/p1_intake.py            # ~5 minutes; prints the goal lines at the end

Creates a fresh database (P1_DB, default hp1_bench), migrates, seeds 20 windows with QR posters, then for each
gunicorn configuration (``--configs`` workers x threads, gthread as ``pingyi serve`` runs it, access log on) serves
benchmarks/p1_app/wsgi.py — pingyi's WSGI application (the lean intake in front of Django) plus the ceilings — and
drives each endpoint in turn with wrk:

- ``rating``: POST /r/<poster> as the citizen page's JavaScript sends it (urlencoded form with the page's signed
  form token, Accept: application/json), taken by the lean intake (pingyi/ratings/intake/wsgi.py);
- ``bare_raw``: POST /bench/bare_raw, one INSERT from WSGI on the same connection handling, no Django request —
  the like-for-like ceiling of the lean intake;
- ``bare_django``: POST /bench/bare, one INSERT in a Django view through the whole middleware stack — the ceiling
  the issue's first measurements used;
- ``django``: the same rating post through the whole Django stack and the view (lean intake bypassed).

Every request has its own phone, device cookie and comment (no rate limit trips); the comment is echoed as the
request id, so the half-rate run can check that every acknowledged rating is in the database. Then the rating
endpoint at its best configuration runs at half its maximum rate for the p99. The load average is recorded with every
run (the machine may be shared). ``--write`` appends the section to BENCHMARKS.md.

Environment: P1_DB, P1_PG_ADMIN, P1_PORT (default 18110), P1_WORK (scratch directory), PINGYI_HOME.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
BIN = ROOT / ".venv" / "bin"
PG_ADMIN = os.environ.get("P1_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
DB_NAME = os.environ.get("P1_DB", "hp1_bench")
DB_URL = PG_ADMIN.rsplit("/", 1)[0] + "/" + DB_NAME
PORT = int(os.environ.get("P1_PORT", "18110"))
WORK = Path(os.environ.get("P1_WORK") or Path(tempfile.gettempdir()) / "p1-bench")
HOME = Path(os.environ.get("PINGYI_HOME") or WORK / "home")
PAIR = ("rating", "bare_raw")  # the goal's ratio: run in alternating rounds
ENDPOINTS = {
    "rating": "/r/{poster}",
    "bare_raw": "/bench/bare_raw",
    "bare_django": "/bench/bare",
    "django": "/bench/django/r/{poster}",
}


@dataclass
class Run:
    rps: float
    ok: int
    non2xx: int
    errors: int
    p50_ms: float
    p99_ms: float
    load: str
    cpu_ms: tuple[float, float, float] = (
        0.0,
        0.0,
        0.0,
    )  # CPU per acknowledged request: server, PostgreSQL, wrk
    # backends that ended during the run (a connection past CONN_MAX_AGE, 60 s): their CPU is missing from the figure
    pg_exited: int = 0

    @property
    def cpu(self) -> str:
        text = "/".join(f"{ms:.2f}" for ms in self.cpu_ms)
        return text + (f" (PostgreSQL low: {self.pg_exited} backend(s) ended)" if self.pg_exited else "")


def loadavg() -> str:
    return "/".join(Path("/proc/loadavg").read_text().split()[:3])


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


class Server:
    """gunicorn as ``pingyi serve`` starts it (gthread, access log to stdout), on the benchmark's WSGI module."""

    def __init__(self, workers: int, threads: int) -> None:
        self.workers, self.threads = workers, threads
        self.log = open(WORK / f"server-{workers}x{threads}.log", "w")  # noqa: SIM115 (closed in stop)
        command = [
            str(BIN / "python"),
            "-m",
            "gunicorn",
            "p1_app.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
        ]
        command += ["--worker-class", "gthread", "--workers", str(workers), "--threads", str(threads)]
        command += ["--access-logfile", "-", "--logger-class", "pingyi.lib.accesslog.AccessLog"]
        command += ["--forwarded-allow-ips", "127.0.0.1"]
        self.proc = subprocess.Popen(  # noqa: S603
            command, env=env(), stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2) as r:  # noqa: S310
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"the server did not start; see {self.log.name}")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{PORT}"

    def form_token(self, poster: str) -> str:
        """The signed form token of the rating page, as a citizen's browser gets it."""
        with urllib.request.urlopen(f"{self.base}/r/{poster}", timeout=5) as r:  # noqa: S310
            page = r.read().decode()
        match = re.search(r'name="ft" value="([^"]+)"', page)
        assert match, "no form token on the rating page"
        return match[1]

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # the process group this script started
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()

    def group_commit(self) -> str:
        """What the workers said at exit: ratings per group-commit statement of the lean intake."""
        counts = re.findall(r"P1GROUP pid=\d+ batches=(\d+) items=(\d+)", Path(self.log.name).read_text())
        batches, items = sum(int(b) for b, _ in counts), sum(int(i) for _, i in counts)
        return f"{items} ratings in {batches} statements ({items / max(1, batches):.1f} per statement)"


def lua_script(name: str, targets: list[tuple[str, str]]) -> Path:
    template = (BENCH / "p1_app" / "load.lua").read_text()
    script = WORK / f"load-{name}.lua"
    entries = ", ".join("{" + json.dumps(path) + ", " + json.dumps(token) + "}" for path, token in targets)
    script.write_text(template.replace("__TARGETS__", entries))
    return script


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _processes() -> list[tuple[int, int, str]]:
    """(pid, parent pid, command line) of every process."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            ppid = int(next(ln.split()[1] for ln in status.splitlines() if ln.startswith("PPid:")))
            found.append((int(entry.name), ppid, cmdline))
    return found


def cpu_now(server: Server) -> tuple[dict[int, float], dict[int, float]]:
    """CPU seconds used so far by each process of the server (gunicorn master and workers) and by each of this
    database's backends."""
    procs = _processes()
    app = [pid for pid, ppid, _ in procs if pid == server.proc.pid or ppid == server.proc.pid]
    pg = [pid for pid, _, cmd in procs if cmd.startswith("postgres: ") and f" {DB_NAME} " in cmd]
    return {pid: _cpu_seconds(pid) for pid in app}, {pid: _cpu_seconds(pid) for pid in pg}


def _used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between two readings by the processes alive at the second (a backend that exited in between,
    such as an idle connection of an earlier run closed by its worker, must not count negative)."""
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


def wrk(server: Server, script: Path, *, connections: int, seconds: float, run: int, delay_ms: int = 0,
        acks: str = "") -> Run:  # fmt: skip
    load = loadavg()
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "-s", str(script)]
    command += [server.base, "--", str(run), str(delay_ms), acks]
    app0, pg0 = cpu_now(server)
    wrk0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    wrk1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    app1, pg1 = cpu_now(server)
    line = next(line for line in out.stdout.splitlines() if line.startswith("P1JSON "))
    data = json.loads(line[7:])
    per = 1000 / max(1, data["ok"])
    wrk_cpu = wrk1.ru_utime + wrk1.ru_stime - wrk0.ru_utime - wrk0.ru_stime
    return Run(
        rps=data["ok"] / (data["duration_us"] / 1e6),
        ok=data["ok"],
        non2xx=data["non2xx"],
        errors=data["connect"] + data["read"] + data["write"] + data["timeout"],
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        load=load,
        cpu_ms=(_used(app0, app1) * per, _used(pg0, pg1) * per, wrk_cpu * per),
        pg_exited=len(pg0.keys() - pg1.keys()),
    )


def half_rate(server: Server, script: Path, target: float, seconds: int) -> tuple[Run, int, int, int, int]:
    """A run at ``target`` ratings/s: the run, its connections, acknowledged, of those found, rows added."""
    connections = max(4, round(target * 0.02))
    delay = max(1, round(connections * 1000 / target))
    calib = wrk(server, script, connections=connections, seconds=5, run=7, delay_ms=delay)
    delay = max(1, round(delay * calib.rps / target))
    before = sql_one("SELECT count(*) FROM ratings_rating")
    prefix = WORK / "acks"
    for old in WORK.glob("acks.*"):
        old.unlink()
    half = wrk(
        server, script, connections=connections, seconds=seconds, run=99, delay_ms=delay, acks=str(prefix)
    )
    added = sql_one("SELECT count(*) FROM ratings_rating") - before
    acked = [c for f in WORK.glob("acks.*") for c in f.read_text().split()]
    # comments are unique to the run (run 99: "p1-99-…"): each one found is an acknowledged rating stored
    found = sql_one("SELECT count(DISTINCT comment) FROM ratings_rating WHERE comment = ANY(%s)", acked)
    return half, connections, len(acked), found, added


def machine() -> str:
    model = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in ln
        ),
        "?",
    )
    pg = sql_one("SHOW server_version")
    return f"nproc {os.cpu_count()}, {platform.machine()}, {model}, PostgreSQL {pg}, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per max-throughput run")
    parser.add_argument("--configs", default="3x8,2x8", help="gunicorn WORKERSxTHREADS to try")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternating runs of rating and bare_raw (median)"
    )
    parser.add_argument("--write", action="store_true", help="append the section to BENCHMARKS.md")
    args = parser.parse_args()
    started = datetime.now(UTC)
    WORK.mkdir(parents=True, exist_ok=True)
    HOME.mkdir(parents=True, exist_ok=True)
    print(f"load average {loadavg()}; creating {DB_NAME}, migrating, seeding …", flush=True)
    posters = create_database()
    configs = [tuple(int(n) for n in c.split("x")) for c in args.configs.split(",")]
    results: dict[tuple[int, int], dict[str, Run]] = {}
    groups: dict[tuple[int, int], str] = {}
    spread: dict[tuple[tuple[int, int], str], list[float]] = {}
    scripts: dict[str, Path] = {}
    run_no = 0
    for workers, threads in configs:
        server = Server(workers, threads)
        try:
            if not scripts:  # form tokens are valid for hours: taken once, from the page
                tokens = [server.form_token(p) for p in posters]
                for name, path in ENDPOINTS.items():
                    targets = [(path.format(poster=p), t) for p, t in zip(posters, tokens, strict=True)]
                    scripts[name] = lua_script(name, targets)
            results[(workers, threads)] = {}
            for name in ENDPOINTS:
                run_no += 1
                wrk(server, scripts[name], connections=args.connections, seconds=3, run=run_no % 10)
            # The goal pair (rating, bare_raw) in alternating rounds, each endpoint's median run kept: on a shared
            # or virtual machine the rate drifts by tens of percent within minutes, and alternating puts both
            # sides of the ratio under the same drift.
            runs: dict[str, list[Run]] = {name: [] for name in ENDPOINTS}
            for round_no in range(args.rounds):
                for name in ENDPOINTS:
                    if round_no and name not in PAIR:
                        continue
                    run_no += 1
                    r = wrk(
                        server,
                        scripts[name],
                        connections=args.connections,
                        seconds=args.duration,
                        run=run_no % 10,
                    )
                    runs[name].append(r)
                    print(
                        f"{workers}x{threads} {name:11s} {r.rps:6.0f}/s ok={r.ok} non2xx={r.non2xx} "
                        f"errors={r.errors} p50={r.p50_ms:.1f}ms p99={r.p99_ms:.1f}ms "
                        f"cpu/req server/pg/wrk={r.cpu}ms load={r.load}",
                        flush=True,
                    )
            for name, done in runs.items():
                results[(workers, threads)][name] = sorted(done, key=lambda r: r.rps)[len(done) // 2]
                spread[(workers, threads), name] = [r.rps for r in done]
        finally:
            server.stop()
        groups[(workers, threads)] = server.group_commit()
        print(f"{workers}x{threads} group commit: {groups[(workers, threads)]}", flush=True)

    best = {n: max(results, key=lambda c, n=n: results[c][n].rps) for n in ENDPOINTS}  # type: ignore[misc]
    top = {n: results[best[n]][n].rps for n in ENDPOINTS}
    server = Server(*best["rating"])
    try:
        half, connections, acked, found, added = half_rate(
            server, scripts["rating"], top["rating"] / 2, max(20, args.duration)
        )
    finally:
        server.stop()

    def cfg(c: tuple[int, int]) -> str:
        return f"{c[0]}x{c[1]}"

    rows = [
        f"| {cfg(c)} | "
        + " | ".join(f"{r[n].rps:.0f}" for n in ENDPOINTS)
        + f" | {100 * r['rating'].rps / r['bare_raw'].rps:.0f} % | {100 * r['rating'].rps / r['bare_django'].rps:.0f} %"
        + f" | {r['rating'].p99_ms:.1f} | {r['rating'].cpu} | {r['bare_raw'].cpu} | {r['rating'].load} |"
        for c, r in results.items()
    ]
    goal_raw = 100 * top["rating"] / top["bare_raw"]
    goal_django = 100 * top["rating"] / top["bare_django"]
    lines = [
        f"\n## P1 — rating intake, lean path ({started:%Y-%m-%d %H:%M} UTC)\n",
        f"- Machine: {machine()}; PostgreSQL, gunicorn and wrk on the same host (loopback); load average at start "
        f"{results[configs[0]]['rating'].load}, per run in the table.",
        f"- Server: gunicorn gthread as `pingyi serve` runs it (its access log on), WORKERSxTHREADS tried: {args.configs}; "
        f"benchmarks/p1_app/wsgi.py = pingyi.wsgi.application plus the ceilings. Database {DB_NAME}, fresh, 20 windows "
        "with posters.",
        f"- Load: wrk, 1 thread, {args.connections} connections, {args.duration} s per run after a 3 s warm-up; "
        f"rating and bare_raw in {args.rounds} alternating rounds, the median run of each in the table; "
        "each request its own phone, device cookie and comment, posted with the page's form token.",
        "- rating = POST /r/<poster> (the page's JSON post, lean intake); bare_raw = one INSERT from WSGI, no Django "
        "request (**the like-for-like ceiling**: the lean intake runs on the same WSGI layer); bare_django = one "
        "INSERT in a Django view through the middleware stack; django = the rating post through Django and the view.",
        "",
        "| workers x threads | rating /s | bare_raw /s | bare_django /s | django /s | rating/bare_raw "
        "| rating/bare_django | rating p99 at max (ms) | rating CPU ms/req | bare_raw CPU ms/req | load average |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        "CPU ms/req: CPU time per answered request of the server (gunicorn) / PostgreSQL backends / wrk. Group commit "
        "(ratings per statement of the lean intake): "
        + "; ".join(f"{cfg(c)}: {g}" for c, g in groups.items())
        + ".",
        "Every run of the pair, in order (rating; bare_raw /s): "
        + "; ".join(
            f"{cfg(c)}: "
            + ", ".join(f"{v:.0f}" for v in spread[c, "rating"])
            + " vs "
            + ", ".join(f"{v:.0f}" for v in spread[c, "bare_raw"])
            for c in results
        )
        + ".",
        "",
        f"- **Ratio to the bare raw-WSGI INSERT (like-for-like): {goal_raw:.0f} %** (goal ≥ 60 %) — best "
        f"{top['rating']:.0f} vs {top['bare_raw']:.0f} /s.",
        f"- **Ratio to the bare Django view: {goal_django:.0f} %** (goal ≥ 60 %) — best {top['rating']:.0f} vs "
        f"{top['bare_django']:.0f} /s.",
        f"- **Ratings/s: {top['rating']:.0f}** (goal ≥ 1,000) with {cfg(best['rating'])}; through Django and the "
        f"view: {top['django']:.0f} /s.",
        f"- **p99 at half rate: {half.p99_ms:.1f} ms** (goal < 50 ms) — {half.rps:.0f}/s for a target of "
        f"{top['rating'] / 2:.0f}/s, {connections} connections, p50 {half.p50_ms:.1f} ms, load average {half.load}.",
        f"- **Acknowledged ratings stored: {found} of {acked}** (goal: all) — {half.ok} 2xx, {half.non2xx} non-2xx, "
        f"{half.errors} socket errors; rows added {added}.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        with (ROOT / "BENCHMARKS.md").open("a", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    sys.exit(main())
