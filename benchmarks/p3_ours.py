"""P3, our side: the comparison as the nightly job runs it in steady state, and from scratch (cold).

- cold: the district's facts are wiped; ``comparison_run_period`` recounts every day of the history months and the
  month from the raw rows, then compares (what the first run after a deployment, or a settings change, costs);
- steady: the facts are current up to the day before the newest (July 30): the run finds the newest day uncovered,
  recounts it (and the month tables' keys it touched) and compares the month — what each night costs. The nightly
  job also looks for rows added since its last look (by id); on this generated data there are none, so the cost of
  that look over one day's worth of new rows is measured separately (``arrival_scan``) and reported beside it.
"""

# ruff: noqa: S608
from __future__ import annotations

import time
from datetime import date
from typing import Any

MONTH = (date(2023, 7, 1), date(2023, 7, 31))


def _district() -> Any:
    from pingyi.catalog.models import District

    return District.objects.get(code="440000")


def _compare() -> tuple[float, dict[str, int], list[list[Any]], list[list[Any]]]:
    from pingyi.oversight.models import Anomaly, ComparisonRun
    from pingyi.oversight.services import comparison_run_period

    Anomaly.objects.all().delete()  # every run stores its anomalies as new
    started = time.monotonic()
    run = comparison_run_period(
        actor="benchmark",
        district=_district(),
        start=MONTH[0],
        end=MONTH[1],
        trigger=ComparisonRun.Trigger.COMMAND,
    )
    seconds = time.monotonic() - started
    found = {k: c["found"] for k, c in run.counts.items() if isinstance(c, dict) and c.get("found")}
    return seconds, found, run.counts.get("seconds", []), run.counts.get("recounted", [])


def wipe() -> None:
    from pingyi.oversight.facts.store import forget_all
    from pingyi.oversight.models import FactState

    district = _district()
    forget_all(district.pk)
    FactState.objects.filter(district_id=district.pk).delete()


def uncover_newest_day() -> None:
    """Put the facts back to the night before: the newest day's rows gone, the month tables counted without it."""
    from django.db import transaction

    from pingyi.oversight.facts import months
    from pingyi.oversight.facts.sql import DAY_TABLES, day_param, execute
    from pingyi.oversight.facts.store import day_runs
    from pingyi.oversight.models import FactDay

    district, day = _district().pk, MONTH[1]
    with transaction.atomic():
        months.start_touching()
        for table in months.TABLES:
            months.touch(table, district, day, day)
        for name in (*DAY_TABLES, "oversight_factday"):
            execute(f"DELETE FROM {name} WHERE district_id = %s AND day = %s", [district, day_param(day)])
        left = list(
            FactDay.objects.filter(district_id=district, day__gte=MONTH[0]).values_list("day", flat=True)
        )
        for table in months.TABLES:
            months.recount(table, district, MONTH[0], day_runs(left), every_key=False)
        months.stop_touching()


def arrival_scan() -> tuple[float, int, int]:
    """Seconds to find the days of one day's worth of new rows by id (what a real night's look reads)."""
    from pingyi.lib import sqlbits as q
    from pingyi.oversight.facts.sql import bounds, rows

    district = _district().pk
    lo, hi = bounds(MONTH[1], MONTH[1])
    n_rat = rows("SELECT COUNT(*) FROM ratings_rating WHERE rated_at >= %s AND rated_at < %s", [lo, hi])[0][0]
    n_rec = rows(
        "SELECT COUNT(*) FROM ledger_servicerecord WHERE received_at >= %s AND received_at < %s", [lo, hi]
    )[0][0]
    top_rat = rows("SELECT MAX(id) FROM ratings_rating", [])[0][0]
    top_rec = rows("SELECT MAX(id) FROM ledger_servicerecord", [])[0][0]
    sql = (
        f"SELECT DISTINCT {q.local_day('rated_at')} FROM ratings_rating WHERE id > %s AND district_id = %s UNION "
        f"SELECT DISTINCT {q.local_day('received_at')} FROM ledger_servicerecord WHERE id > %s AND district_id = %s"
    )
    started = time.monotonic()
    rows(sql, [top_rat - n_rat, district, top_rec - n_rec, district])
    return time.monotonic() - started, int(n_rat), int(n_rec)


def run_ours() -> dict[str, Any]:
    """Cold, then steady; each: seconds, anomalies found, seconds per phase, days recounted."""
    wipe()
    cold = _compare()
    uncover_newest_day()
    steady = _compare()
    scan = arrival_scan()
    return {"cold": cold, "steady": steady, "arrival_scan": scan}


def describe(name: str, result: tuple[float, dict[str, int], list[list[Any]], list[list[Any]]]) -> str:
    seconds, found, phases, recounted = result
    per_phase = ", ".join(f"{n} {v:.1f}" for n, v in phases)
    counted = ", ".join(f"{n} {v}" for n, v in recounted)
    return f"ours {name}: {seconds:.1f} s (recounted: {counted}); per phase: {per_phase}; anomalies {found}"
