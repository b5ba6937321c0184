"""Benchmark P2 — ledger ingest on PostgreSQL: records/s through the import path beside a raw COPY of the same rows.

Creates a fresh database (P2_DB, default hled_bench), migrates, seeds a small catalogue (20 units, 2 windows, 5 staff
and 20 items each), then for each size N (default 100,000 and 400,000) writes a CSV of N records with Chinese headers
(mixed date forms, 90 % with a phone, every record with an applicant name) and, in a fresh child process per size:

- ours: ``import_job_create`` + ``run_import_job`` of the ``ledger`` kind, exactly as ``pingyi ledger import`` does —
  encoding check, streamed reading, per-row validation against preloaded lookups, phone and name encryption, blind
  index, COPY into a staging table, duplicate and clash checks in SQL, one INSERT … SELECT, the audit entry;
- ceiling: ``COPY plain_table FROM STDIN (FORMAT csv, HEADER)`` of the same file into a plain table of text columns
  (no constraint, no index), streamed in 1 MB chunks, in the same child process.

Each child reports seconds, records/s, its peak RSS (ru_maxrss), so two sizes show whether memory grows with the
file, and the CPU time per row of our process and of its PostgreSQL backend (from /proc, same host): on a shared
machine the rates depend on what else runs, the CPU times much less. The ledger table is emptied before each size. Results are printed and appended to BENCHMARKS.md
(``--no-write`` to skip).

    .venv/bin/python benchmarks/p2_ledger_ingest.py [--sizes 100000,400000] [--no-write]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
PG_ADMIN = os.environ.get("P2_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
DB_NAME = os.environ.get("P2_DB", "hled_bench")
DB_URL = PG_ADMIN.rsplit("/", 1)[0] + "/" + DB_NAME
WORK = Path(os.environ.get("P2_WORK") or Path(tempfile.gettempdir()) / "hled-p2")
HOME = Path(os.environ.get("PINGYI_HOME") or WORK / "home")
UNITS, WINDOWS, STAFF, ITEMS = 20, 2, 5, 20
HEADERS = ["办件编号", "单位", "事项编码", "窗口", "经办人", "申请人", "申请人电话", "受理时间", "办结时间"]


def env() -> dict[str, str]:
    return {
        **os.environ,
        "PINGYI_HOME": str(HOME),
        "PINGYI_DATABASE_URL": DB_URL,
        "DJANGO_SETTINGS_MODULE": "pingyi.settings",
        "PINGYI_MAX_IMPORT_BYTES": str(4 << 30),
    }


def create_database() -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{DB_NAME}"')
    subprocess.run([str(BIN / "pingyi"), "migrate", "--no-input", "-v", "0"], env=env(), check=True)


def seed() -> None:
    """The catalogue the generated rows refer to (run in a child with Django set up)."""
    from pingyi.catalog.models import District, Hall, ServiceItem, Staff, Unit, Window
    from pingyi.lib.codes import credit_code_check_char

    district = District.objects.create(code="420113", name="基准区")
    hall = Hall.objects.create(district=district, code="H01", name="基准大厅")
    for u in range(UNITS):
        body = f"12420113{u:09d}"
        unit = Unit.objects.create(
            district=district,
            hall=hall,
            code=f"U{u:03d}",
            name=f"单位{u}",
            credit_code=body + credit_code_check_char(body),
        )
        for w in range(WINDOWS):
            Window.objects.create(hall=hall, unit=unit, code=f"{u:03d}-{w}", name=f"单位{u}窗口{w}")
        for s in range(STAFF):
            staff = Staff(unit=unit, employee_no=f"S{u:03d}-{s}", name=f"工作人员{u}-{s}")
            staff.set_phone(f"139{u:04d}{s:04d}")
            staff.save()
        for i in range(ITEMS):
            ServiceItem.objects.create(
                district=district, unit=unit, code=f"4201130{u:03d}{i:03d}", name=f"事项{u}-{i}"
            )


def write_file(path: Path, rows: int) -> None:
    rng = random.Random(rows)
    start = datetime(2023, 12, 1, 8, 30)
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(HEADERS)
        for n in range(rows):
            u = rng.randrange(UNITS)
            received = start + timedelta(minutes=rng.randrange(60 * 24 * 30))
            form = n % 3
            when = (
                received.strftime("%Y-%m-%d %H:%M")
                if form == 0
                else received.strftime("%Y/%m/%d %H:%M")
                if form == 1
                else received.strftime("%Y年%m月%d日 %H:%M")
            )
            phone = f"13{rng.randrange(10**9):09d}" if rng.random() < 0.9 else ""
            finished = (received + timedelta(minutes=rng.randrange(5, 90))).strftime("%Y-%m-%d %H:%M")
            out.writerow(
                [
                    f"BJ{n:09d}",
                    f"单位{u}",
                    f"4201130{u:03d}{rng.randrange(ITEMS):03d}",
                    f"{u:03d}-{rng.randrange(WINDOWS)}",
                    f"S{u:03d}-{rng.randrange(STAFF)}",
                    f"申请人{rng.randrange(10**6)}",
                    phone,
                    when,
                    finished,
                ]
            )


def child(path: Path) -> dict[str, Any]:
    """One size: our import, then the raw COPY of the same file, in this process."""
    import django

    django.setup()
    from django.db import connection, transaction

    from pingyi.catalog.models import District
    from pingyi.imports.runner import run_import_job
    from pingyi.imports.services import import_job_create

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE ledger_servicerecord CASCADE")
        cursor.execute("DROP TABLE IF EXISTS p2_plain")
        cursor.execute("CREATE TABLE p2_plain (" + ", ".join(f"c{i} text" for i in range(len(HEADERS))) + ")")
    district = District.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    cpu_ours, cpu_pg = time.process_time(), backend_cpu(backend)
    started = time.perf_counter()
    with path.open("rb") as stream:
        job = import_job_create(
            actor=None,
            kind="ledger",
            stream=stream,
            original_name=path.name,
            district=district,
            enqueue=False,
        )
    job = run_import_job(job.pk)
    ours = time.perf_counter() - started
    cpu_ours, cpu_pg = time.process_time() - cpu_ours, backend_cpu(backend) - cpu_pg
    if job.status != "done":
        raise SystemExit(f"import failed: {job.message} {job.errors[:5]}")
    rss_ours = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    with connection.cursor() as cursor, path.open("rb") as handle:
        with cursor.cursor.copy("COPY p2_plain FROM STDIN (FORMAT csv, HEADER)") as copy:
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
    raw = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT (SELECT COUNT(*) FROM ledger_servicerecord), (SELECT COUNT(*) FROM p2_plain)")
        stored, copied = cursor.fetchone()
        cursor.execute("DROP TABLE p2_plain")
        # The table write alone: the same finished rows inserted again into the ledger table (its indexes,
        # unique and foreign-key constraints), in one statement and one transaction.
        cursor.execute("CREATE TEMP TABLE p2_rows AS SELECT * FROM ledger_servicerecord")
        cursor.execute("TRUNCATE ledger_servicerecord CASCADE")
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO ledger_servicerecord SELECT * FROM p2_rows")
    table_write = time.perf_counter() - started
    return {
        "rows": job.created_count,
        "stored": stored,
        "copied": copied,
        "ours_s": ours,
        "copy_s": raw,
        "write_s": table_write,
        "rss_mb": rss_ours / 1024,
        "cpu_ours_us": cpu_ours / job.created_count * 1e6,
        "cpu_pg_us": cpu_pg / job.created_count * 1e6,
        "bytes": path.stat().st_size,
    }


def backend_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a PostgreSQL backend on this host, from /proc; NaN when not readable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine() -> str:
    with psycopg.connect(DB_URL) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
    load = " / ".join(f"{v:.2f}" for v in os.getloadavg())
    cpu = next(
        (ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo") if ln.startswith("model name")), "?"
    )
    return f"nproc {os.cpu_count()}, {platform.machine()}, {cpu}; load average {load}; PostgreSQL {version}; Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="100000,400000")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--seed", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed:
        import django

        django.setup()
        seed()
        return
    if args.child:
        print(json.dumps(child(Path(args.child))))
        return
    WORK.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    create_database()
    here = machine()
    print(f"{stamp}: {here}", flush=True)
    subprocess.run([sys.executable, __file__, "--seed"], env=env(), check=True)
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        path = WORK / f"ledger-{size}.csv"
        write_file(path, size)
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(path)], env=env(), capture_output=True, text=True
        )
        if out.returncode:
            raise SystemExit(out.stderr[-3000:])
        result = json.loads(out.stdout.strip().splitlines()[-1])
        results.append(result)
        path.unlink()
        print(
            f"{size:>9,} rows ({result['bytes'] / 2**20:.0f} MB): ours {size / result['ours_s']:,.0f}/s "
            f"({result['ours_s']:.1f} s), COPY {size / result['copy_s']:,.0f}/s ({result['copy_s']:.1f} s), "
            f"ratio {result['copy_s'] / result['ours_s']:.0%}, table write alone {size / result['write_s']:,.0f}/s, "
            f"peak RSS {result['rss_mb']:.0f} MB, "
            f"stored {result['stored']:,}; CPU per row: ours {result['cpu_ours_us']:.1f} µs, "
            f"PostgreSQL backend {result['cpu_pg_us']:.1f} µs; load {os.getloadavg()[0]:.2f}",
            flush=True,
        )
    if not args.no_write:
        write_section(stamp, here, results)


def write_section(stamp: str, here: str, results: list[dict[str, Any]]) -> None:
    lines = [
        "",
        f"## P2 — ledger ingest ({stamp})",
        "",
        f"- Machine: {here}; everything on one host.",
        "- Ours: `import_job_create` + `run_import_job` (kind `ledger`, what `pingyi ledger import` runs), end to end:"
        " encoding check, streamed CSV, validation, encryption, COPY into staging, SQL checks, one INSERT … SELECT.",
        "- Ceiling: `COPY … FROM STDIN (FORMAT csv, HEADER)` of the same file into a plain table of text columns.",
        "- Table write alone: the finished rows inserted again into `ledger_servicerecord` with one INSERT … SELECT"
        " (its 9 indexes, 2 of them unique; no foreign-key constraints, decision 0017) — the part of ours no Python"
        " change can remove.",
        "",
        "| rows | file | ours /s | COPY /s | ours / COPY | table write alone /s | peak RSS (ours) | CPU µs/row ours / backend | stored |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['rows']:,} | {r['bytes'] / 2**20:.0f} MB | {r['rows'] / r['ours_s']:,.0f} | "
            f"{r['rows'] / r['copy_s']:,.0f} | {r['copy_s'] / r['ours_s']:.0%} | {r['rows'] / r['write_s']:,.0f} | "
            f"{r['rss_mb']:.0f} MB | {r['cpu_ours_us']:.1f} / {r['cpu_pg_us']:.1f} | {r['stored']:,} |"
        )
    with (ROOT / "BENCHMARKS.md").open("a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
