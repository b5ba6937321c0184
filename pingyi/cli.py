"""The `pingyi` command: demo, serve and worker, and every Django management command passed through."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

DEMO_HELP = "Create PINGYI_HOME, migrate SQLite, seed the demo district, print logins, serve on 127.0.0.1."


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pingyi.settings")
    import django

    django.setup()


def _manage(*args: str) -> None:
    from django.core.management import call_command

    call_command(*args)


def demo(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="pingyi demo", description=DEMO_HELP)
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--no-serve", action="store_true", help="seed and print logins, then exit")
    args = parser.parse_args(argv)
    home = Path(os.environ.setdefault("PINGYI_HOME", "var")).resolve()
    home.mkdir(parents=True, exist_ok=True)
    # The demo is served over plain HTTP on loopback: cookies cannot be "Secure" there.
    os.environ.setdefault("PINGYI_HTTPS", "0")
    os.environ.setdefault("PINGYI_SITE_URL", f"http://127.0.0.1:{args.port}")
    _metrics_folder(f"127.0.0.1:{args.port}")
    _setup()
    _manage("migrate", "--no-input", "-v", "0")
    from pingyi.demo.seed import seed_demo

    summary = seed_demo()
    print(summary.render())
    if args.no_serve:
        return
    print(f"\n演示系统运行于 http://127.0.0.1:{args.port}/ （Ctrl-C 停止）\n", flush=True)
    worker = subprocess.Popen([sys.executable, "-m", "pingyi", "worker"])  # noqa: S603
    try:
        _gunicorn(f"127.0.0.1:{args.port}", workers=2)
    finally:
        _stop(worker)


def _metrics_folder(bind: str) -> None:
    """Count requests across gunicorn's worker processes for /metrics (before anything imports prometheus_client)."""
    from pingyi.ops.metrics.multiprocess import prepare

    prepare(bind, Path(os.environ.get("PINGYI_HOME", "var")))


def _stop(process: subprocess.Popen) -> None:
    """Ask the job worker to finish, and kill it when it does not within a few seconds."""
    process.terminate()
    try:
        process.wait(timeout=8)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def _gunicorn(bind: str, workers: int, threads: int = 8) -> None:
    from gunicorn.app.wsgiapp import run

    sys.argv = [
        "gunicorn",
        "pingyi.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--access-logfile",
        "-",
        "--logger-class",
        "pingyi.lib.accesslog.AccessLog",
        "--forwarded-allow-ips",
        os.environ.get("PINGYI_FORWARDED_ALLOW_IPS", "127.0.0.1"),
    ]
    run()


def serve(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="pingyi serve", description="Migrate, then serve with gunicorn.")
    parser.add_argument("--bind", default=os.environ.get("PINGYI_BIND", "127.0.0.1:8000"))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("PINGYI_WEB_WORKERS", "3")))
    # Eight threads a worker: the citizen intake's group commit stores the ratings that arrive together in one
    # statement, and more threads make fuller batches (P1: 2x8 the best, 2x4 half the rate; decision 0016).
    parser.add_argument("--threads", type=int, default=int(os.environ.get("PINGYI_WEB_THREADS", "8")))
    parser.add_argument("--no-migrate", action="store_true")
    args = parser.parse_args(argv)
    _metrics_folder(args.bind)
    _setup()
    if not args.no_migrate:
        _manage("migrate", "--no-input", "-v", "0")
    _gunicorn(args.bind, args.workers, args.threads)


def worker(argv: list[str]) -> None:
    _setup()
    from pingyi.jobs import ensure_schedules

    ensure_schedules()
    _manage("qcluster")


COMMANDS = {"demo": demo, "serve": serve, "worker": worker}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in COMMANDS:
        COMMANDS[argv[0]](argv[1:])
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pingyi.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["pingyi", *argv])
