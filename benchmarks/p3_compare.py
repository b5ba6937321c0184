"""Benchmark P3 — the comparison engine at provincial scale, side by side with the same comparison in DuckDB.

    .venv/bin/pip install -e '.[bench]'                      # DuckDB (docs/decisions/0011)
    .venv/bin/python benchmarks/p3_compare.py --scale 0.02   # quick check (~220 k records, 280 k ratings)
    .venv/bin/python benchmarks/p3_compare.py                # one Guangdong month: 11.2 M records, 13.9 M ratings

Generates one month (July 2023) of one province-sized district into the real tables of a dedicated database
(P3_DB, default hcmp_bench) with set-based INSERT … SELECT generate_series — deterministic pseudo-random values, the
non-unique indexes dropped during the load and rebuilt after — with a few planted violations (units that enter a
fifth of their records, units whose SMS answers come from other phones, one device rating a unit again and again).
Then, in one run (benchmarks/p3_ours.py):
- ours, cold: ``comparison_run_period`` for the month with the district's kept facts wiped — every day of the
  history months and the month recounted from the raw rows, then the whole engine (judgements, anomalies stored and
  ranked, run record, audit entry);
- ours, steady: the same run as the nightly job makes it each night: the facts are current up to July 30, the run
  recounts the newest day (July 31) and the month tables' keys it touched, then compares the month. The look for
  rows added since the last night (by id) finds none on this data; its cost over one day's worth of ids is timed
  separately and added ("steady + look");
- DuckDB: the same aggregations written directly in DuckDB SQL over the same raw rows (exported from PostgreSQL with
  COPY; load time printed separately, not timed) and the ranking of the under-reporting candidates.
Prints the times, both ratios to DuckDB and the goals (≤ 30 s; ≤ 3× DuckDB), with the load average (the machine
may be shared).
``--keep`` reuses the generated data when the scale matches.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PG_ADMIN = os.environ.get("P3_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
DB_NAME = os.environ.get("P3_DB", "hcmp_bench")
# The generated data's marker and CSV files: one directory per database, so a small run never clobbers a big one.
WORK = Path(
    os.environ.get("P3_WORK")
    or Path(tempfile.gettempdir()) / ("hcmp-p3" if DB_NAME == "hcmp_bench" else f"hcmp-p3-{DB_NAME}")
)


def loadavg() -> str:
    return "/".join(Path("/proc/loadavg").read_text().split()[:3])


def setup_django(fresh: bool) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if fresh and exists:
            admin.execute(f'DROP DATABASE "{DB_NAME}" WITH (FORCE)')
        if fresh or not exists:
            admin.execute(f'CREATE DATABASE "{DB_NAME}"')
    os.environ["PINGYI_DATABASE_URL"] = PG_ADMIN.rsplit("/", 1)[0] + "/" + DB_NAME
    os.environ.setdefault("PINGYI_HOME", str(WORK / "home"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pingyi.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--scale", type=float, default=1.0, help="share of a Guangdong month (1.0 = 11.2 M records)"
    )
    parser.add_argument("--keep", action="store_true", help="reuse the generated data if the scale matches")
    args = parser.parse_args()
    try:
        import duckdb  # noqa: F401
    except ImportError:
        sys.exit("DuckDB is missing: .venv/bin/pip install -e '.[bench]'")
    WORK.mkdir(parents=True, exist_ok=True)
    marker = WORK / "scale"
    db_marker = WORK / "database"  # absent in directories written before it existed (hcmp_bench's)
    reuse = (
        args.keep
        and marker.exists()
        and marker.read_text() == str(args.scale)
        and (not db_marker.exists() or db_marker.read_text() == DB_NAME)
    )
    setup_django(fresh=not reuse)
    from benchmarks.p3_data import export, generate
    from benchmarks.p3_duckdb import run_duckdb
    from benchmarks.p3_ours import run_ours

    load_start = loadavg()
    if not reuse:
        started = time.monotonic()
        counts = generate(args.scale)
        marker.write_text(str(args.scale))
        db_marker.write_text(DB_NAME)
        print(f"generated {counts} in {time.monotonic() - started:.0f} s")
        started = time.monotonic()
        export(WORK)
        print(f"exported for DuckDB in {time.monotonic() - started:.0f} s")
    ours = run_ours()
    duck, duck_rows, duck_load = run_duckdb(WORK)
    print_report(args.scale, ours, duck, duck_rows, duck_load, load_start)


def print_report(
    scale: float, ours: dict[str, Any], duck: float, duck_rows: int, duck_load: float, load: str
) -> None:
    from django.db import connection

    from benchmarks.p3_ours import describe

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM ledger_servicerecord")
        records = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM ratings_rating")
        ratings = cursor.fetchone()[0]
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    steady, cold = ours["steady"][0], ours["cold"][0]
    scan, scan_ratings, scan_records = ours["arrival_scan"]
    print()
    print(
        f"P3 comparison — scale {scale}: {records:,} records, {ratings:,} ratings (July 2023, one district)"
    )
    print(
        f"machine: nproc {nproc}, {platform.machine()}, PostgreSQL {version}, load average {load} → {loadavg()}"
    )
    print(describe("cold (facts recounted from the raw rows)", ours["cold"]))
    print(describe("steady (the nightly run: the newest day recounted, the month compared)", ours["steady"]))
    print(
        f"a night's look for new rows (one day's worth by id: {scan_ratings:,} ratings, {scan_records:,} records):"
        f" {scan:.1f} s; steady with it: {steady + scan:.1f} s"
    )
    print(
        f"DuckDB (same aggregations from the raw rows, in memory; load {duck_load:.1f} s not timed): {duck:.1f} s; {duck_rows} ranked"
    )
    for name, seconds in (("steady + look", steady + scan), ("cold", cold)):
        ratio = seconds / duck if duck else float("inf")
        goal = (
            f"≤ 30 s {'met' if seconds <= 30 else 'not met'}" if scale >= 1 else "≤ 30 s applies at scale 1.0"
        )
        print(
            f"{name}: {seconds:.1f} s, ratio to DuckDB {ratio:.2f}× (goal ≤ 3×: {'met' if ratio <= 3 else 'not met'}); {goal}"
        )


if __name__ == "__main__":
    main()
