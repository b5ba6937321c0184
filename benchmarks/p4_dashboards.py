"""Benchmark P4 — dashboard queries and the yearly report over one Guangdong month, rollups against raw rows.

    .venv/bin/python benchmarks/p4_dashboards.py --scale 0.02          # quick check
    .venv/bin/python benchmarks/p4_dashboards.py --keep                # one Guangdong month (reuses P3's data)

Uses the P3 database (P3_DB, default hcmp_bench) and its generator: one month (July 2023) of one province-sized
district, 11.2 M service records and 13.9 M ratings, 10,000 units, 40,000 windows, 80,000 staff. In one run:
- builds the rollups for the month (``rollups_rebuild``; time printed, not part of the goal);
- ours: a dashboard as the page asks for it (summary, the breakdown one level down, the trend, the hour-of-week
  heatmap, the tickets) for the district, halls, units, windows and staff, over the month, a week and a day, with
  and without a channel filter — p50 / p95 / max;
- raw: the same figures computed with SQL straight from ratings_rating / ledger_servicerecord (no rollups), for a
  sample of the same dashboards;
- the yearly district report (``pingyi.reports`` figures and the workbook) — goal ≤ 10 s.
Goals: p95 ≤ 100 ms for any scope and period; the yearly report ≤ 10 s.
"""

# ruff: noqa: S608, T201
from __future__ import annotations

import argparse
import platform
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.p3_compare import WORK, loadavg, setup_django  # noqa: E402

MONTH = (date(2023, 7, 1), date(2023, 7, 31))  # the month P3's generator fills


def dashboard(scope: Any, period: Any) -> None:
    """Every figure of the dashboard page, as the page computes them."""
    from pingyi.insight.filters import DRILL
    from pingyi.insight.views import figures

    figures(scope, period, DRILL[scope.level()])


def raw_dashboard(scope: Any, period: Any) -> None:
    """The same figures straight from the raw rows."""
    from django.db import connection

    from pingyi.insight.cubes.grains import bounds
    from pingyi.insight.filters import DRILL
    from pingyi.lib import sqlbits as q

    lo, hi = bounds(period.start, period.end)
    where = ["r.district_id = %s", "r.rated_at >= %s", "r.rated_at < %s"]
    params: list[Any] = [scope.district_id, lo, hi]
    for dim, column in (
        ("hall", "w.hall_id"),
        ("unit", "r.unit_id"),
        ("window", "r.window_id"),
        ("staff", "r.staff_id"),
    ):
        value = getattr(scope, f"{dim}_id")
        if value is not None:
            where.append(f"{column} = %s")
            params.append(value)
    if period.channels:
        where.append("r.channel IN (" + ", ".join(["%s"] * len(period.channels)) + ")")
        params.extend(period.channels)
    base = (
        "FROM ratings_rating r LEFT JOIN catalog_window w ON w.id = r.window_id "
        "LEFT JOIN tickets_ticket t ON t.rating_id = r.id AND t.revoked WHERE " + " AND ".join(where)
    )
    by = {"unit": "r.unit_id", "window": "r.window_id", "staff": "r.staff_id", "item": "r.item_id"}[
        DRILL[scope.level()]
    ]
    queries = [
        f"SELECT r.level5, r.is_default, r.negative, count(*), count(t.id) {base} GROUP BY 1, 2, 3",
        f"SELECT {by}, r.level5, r.is_default, r.negative, count(*), count(t.id) {base} GROUP BY 1, 2, 3, 4",
        f"SELECT {q.local_day('r.rated_at')}, r.level5, r.is_default, r.negative, count(*) {base} GROUP BY 1, 2, 3, 4",
        f"SELECT {q.local_weekday('r.rated_at')}, {q.local_hour('r.rated_at')}, count(*) {base} AND NOT r.is_default GROUP BY 1, 2",
        f"SELECT r.channel, r.is_default, r.negative, count(*), count(t.id) {base} GROUP BY 1, 2, 3",
    ]
    rec_where = " AND ".join(w for w in where if "channel" not in w)
    rec_params = params[: len(params) - len(period.channels)]
    queries_rec = [
        "SELECT count(*) FROM ledger_servicerecord r LEFT JOIN catalog_window w ON w.id = r.window_id WHERE "
        + rec_where.replace("rated_at", "received_at")
    ]
    with connection.cursor() as cursor:
        for sql in queries:
            cursor.execute(sql, params)
            cursor.fetchall()
        for sql in queries_rec:
            cursor.execute(sql, rec_params)
            cursor.fetchall()
    from pingyi.insight import metrics

    metrics.ticket_summary(scope, period)  # tickets are read raw in both


def cases(district_id: int, rng: random.Random) -> list[tuple[str, Any, Any]]:
    from pingyi.catalog.models import Hall, Staff, Unit, Window
    from pingyi.insight.metrics import Period, Scope

    first, last = MONTH
    week = (date(2023, 7, 10), date(2023, 7, 16))
    day = (date(2023, 7, 18), date(2023, 7, 18))
    periods = [("month", first, last), ("week", *week), ("day", *day)]
    halls = list(Hall.objects.filter(district_id=district_id).values_list("id", flat=True))
    units = list(Unit.objects.filter(district_id=district_id).values_list("id", flat=True))
    windows = list(Window.objects.filter(unit__district_id=district_id).values_list("id", flat=True)[:50000])
    staff = list(Staff.objects.filter(unit__district_id=district_id).values_list("id", flat=True)[:50000])
    scopes = [("district", Scope(district_id))]
    scopes += [("hall", Scope(district_id, hall_id=h)) for h in rng.sample(halls, min(5, len(halls)))]
    scopes += [("unit", Scope(district_id, unit_id=u)) for u in rng.sample(units, 8)]
    scopes += [("window", Scope(district_id, window_id=w)) for w in rng.sample(windows, 8)]
    scopes += [("staff", Scope(district_id, staff_id=s)) for s in rng.sample(staff, 8)]
    out = []
    for scope_name, scope in scopes:
        for period_name, start, end in periods:
            for channels in ((), ("sms", "qr")):
                label = f"{scope_name}/{period_name}{'/sms+qr' if channels else ''}"
                out.append((label, scope, Period(start, end, channels)))
    return out


def timed(func: Callable[..., Any], *args: Any) -> float:
    started = time.perf_counter()
    func(*args)
    return (time.perf_counter() - started) * 1000


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def yearly_report(district_id: int) -> float:
    """The yearly district report as the worker builds it: figures, tables, narrative, Excel and PDF."""
    from pingyi.accounts.models import Role, User
    from pingyi.accounts.services import user_create
    from pingyi.catalog.models import District
    from pingyi.reports.models import Report
    from pingyi.reports.runner import build_report
    from pingyi.reports.services import report_request

    inspector = User.objects.filter(username="p4-inspector").first() or user_create(
        actor=None, username="p4-inspector", password="p4-benchmark-only", role=Role.INSPECTOR,
        district=District.objects.get(pk=district_id),
    )  # fmt: skip
    report = report_request(actor=inspector, kind=Report.Kind.YEARLY, year=2023, enqueue=False)
    started = time.perf_counter()
    build_report(report.pk)
    return time.perf_counter() - started


def raw_yearly(district_id: int) -> float:
    """The report's ratings figures and unit table computed from the raw rows instead."""
    from pingyi.insight.metrics import Period, Scope

    started = time.perf_counter()
    raw_dashboard(Scope(district_id), Period(date(2023, 1, 1), date(2023, 12, 31)))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--scale", type=float, default=1.0, help="share of a Guangdong month (1.0 = 11.2 M records)"
    )
    parser.add_argument("--keep", action="store_true", help="reuse P3's generated data if the scale matches")
    parser.add_argument("--raw-samples", type=int, default=12, help="dashboards also computed from raw rows")
    parser.add_argument(
        "--reuse-rollups", action="store_true", help="with --keep: keep the rollups built by an earlier run"
    )
    args = parser.parse_args()
    import logging

    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    WORK.mkdir(parents=True, exist_ok=True)
    marker = WORK / "scale"
    reuse = args.keep and marker.exists() and marker.read_text() == str(args.scale)
    setup_django(fresh=not reuse)
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    keep_rollups = reuse and args.reuse_rollups
    with (
        connection.cursor() as cursor
    ):  # the rollups are derived data: empty them, the rebuild below refills them
        cursor.execute("SELECT tablename FROM pg_tables WHERE tablename LIKE 'insight%%'")
        for (table,) in [] if keep_rollups else cursor.fetchall():
            cursor.execute(f'TRUNCATE "{table}"')
    from benchmarks.p3_data import generate
    from pingyi.catalog.models import District
    from pingyi.insight.cubes.rollups import rollups_rebuild

    load_start = loadavg()
    if not reuse:
        started = time.monotonic()
        print(f"generated {generate(args.scale)} in {time.monotonic() - started:.0f} s", flush=True)
        marker.write_text(str(args.scale))
    district = District.objects.get(code="440000")
    if not keep_rollups:
        started = time.monotonic()
        rollups_rebuild(MONTH[0], MONTH[1], district_id=district.pk)
        print(f"rollups built for the month in {time.monotonic() - started:.1f} s", flush=True)
    from pingyi.insight.cubes.rollups import recompute

    for day, what in (
        (MONTH[1], "the newest day (a tick for today)"),
        (date(2023, 7, 18), "a mid-month day"),
    ):
        started = time.monotonic()
        with transaction.atomic():
            recompute(district.pk, day, day)
        print(f"one busy day recomputed, {what}: {time.monotonic() - started:.1f} s", flush=True)

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    rng = random.Random(2023)
    all_cases = cases(district.pk, rng)
    for _label, scope, period in all_cases[:3]:  # warm the caches once
        dashboard(scope, period)
    ours = {label: timed(dashboard, scope, period) for label, scope, period in all_cases}
    sample = [all_cases[0], all_cases[1]] + rng.sample(all_cases[2:], max(0, args.raw_samples - 2))
    raw = {label: timed(raw_dashboard, scope, period) for label, scope, period in sample}
    times = list(ours.values())
    print()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM ratings_rating")
        ratings = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM ledger_servicerecord")
        records = cursor.fetchone()[0]
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    print(
        f"P4 dashboards — scale {args.scale}: {ratings:,} ratings, {records:,} records (July 2023, one district)"
    )
    print(
        f"machine: {platform.machine()}, {nproc} cores, PostgreSQL {version}; load {load_start} → {loadavg()}"
    )
    print(f"ours (rollups): {len(times)} dashboards, p50 {pct(times, .5):.1f} ms, p95 {pct(times, .95):.1f} ms, "
          f"max {max(times):.1f} ms (goal p95 ≤ 100 ms)")  # fmt: skip
    print("raw rows vs rollups, same dashboards:")
    for label in raw:
        print(f"  {label:<28} raw {raw[label]:>9.1f} ms   rollups {ours[label]:>7.1f} ms   "
              f"ratio {raw[label] / ours[label]:>7.1f}×")  # fmt: skip
    print(f"raw p95 {pct(list(raw.values()), .95):.1f} ms over {len(raw)} dashboards; "
          f"median speed-up {statistics.median(raw[k] / ours[k] for k in raw):.1f}×")  # fmt: skip
    slowest = sorted(ours.items(), key=lambda kv: -kv[1])[:5]
    print("slowest with rollups:", ", ".join(f"{k} {v:.0f} ms" for k, v in slowest))
    sys.stdout.flush()
    report_seconds, report_raw = yearly_report(district.pk), raw_yearly(district.pk)
    print(f"yearly district report (figures, tables, narrative, Excel, PDF): {report_seconds:.2f} s (goal ≤ 10 s); "
          f"its ratings figures and unit table from raw rows alone: {report_raw:.2f} s")  # fmt: skip


if __name__ == "__main__":
    main()
