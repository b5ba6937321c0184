"""The deployment's counts, read from the database when /metrics is scraped (so every web process of every host
reports the same figures, whoever wrote the rows: web, worker or command line).

- ``pingyi_ratings_stored_total{channel}``: ratings stored, by channel;
- ``pingyi_tickets_opened_total{source}``, ``pingyi_tickets_open``, ``pingyi_tickets_overdue``;
- ``pingyi_job_queue_depth``, ``pingyi_job_queue_oldest_age_seconds``: tasks waiting in the broker;
- ``pingyi_job_rows{kind,status}``: the apps' job rows (import, report, comparison) queued, running, failed;
- ``pingyi_worker_heartbeat_age_seconds``;
- ``pingyi_comparison_run_duration_seconds`` (histogram of the finished runs, any trigger) and
  ``pingyi_comparison_run_last_duration_seconds``;
- ``pingyi_job_duration_seconds{func}`` (histogram of every worker job's run time, ``pingyi.ops.timings``),
  ``pingyi_job_last_duration_seconds{func}``, ``pingyi_job_failures_total{func}``; and, from the same counts under
  their own names, ``pingyi_rollup_refresh_duration_seconds`` and ``pingyi_rollup_refresh_last_duration_seconds``
  (the insight cubes' one-minute refresh).

The queries run at most once per ``PINGYI_METRICS_DB_SECONDS`` per process; between, the last figures are served.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector

from pingyi.ops.timings import BOUNDS

COMPARISON_BOUNDS = (1.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0)
_cache: dict[str, Any] = {"at": 0.0, "metrics": []}
_lock = threading.Lock()


def _ratings() -> Iterator[Metric]:
    from pingyi.lib.scales import Channel
    from pingyi.ratings.models import Rating

    family = CounterMetricFamily("pingyi_ratings_stored", "Ratings stored, by channel.", labels=["channel"])
    counts = dict(Rating.objects.order_by().values_list("channel").annotate(n=Count("id")))
    for channel in Channel:
        family.add_metric([channel.value], counts.pop(channel.value, 0))
    for channel, n in counts.items():
        family.add_metric([str(channel)], n)
    yield family


def _tickets() -> Iterator[Metric]:
    from pingyi.tickets.choices import State
    from pingyi.tickets.models import Ticket, overdue_q

    opened = CounterMetricFamily("pingyi_tickets_opened", "Tickets opened, by source.", labels=["source"])
    for source, n in Ticket.objects.order_by().values_list("source").annotate(n=Count("id")):
        opened.add_metric([str(source)], n)
    yield opened
    now = timezone.now()
    counts = Ticket.objects.aggregate(
        open=Count("id", filter=~Q(state=State.CLOSED)), overdue=Count("id", filter=overdue_q(now))
    )
    yield GaugeMetricFamily("pingyi_tickets_open", "Tickets not closed.", value=counts["open"])
    yield GaugeMetricFamily(
        "pingyi_tickets_overdue", "Open tickets past a deadline.", value=counts["overdue"]
    )


def _queue() -> Iterator[Metric]:
    from pingyi.ops.queue import oldest_queued_at, queue_depth

    yield GaugeMetricFamily("pingyi_job_queue_depth", "Tasks waiting for a worker.", value=queue_depth())
    oldest = oldest_queued_at()
    age = max(0.0, (timezone.now() - oldest).total_seconds()) if oldest else 0.0
    yield GaugeMetricFamily(
        "pingyi_job_queue_oldest_age_seconds",
        "How long the oldest waiting task has waited (0: none).",
        value=age,
    )
    from pingyi.ops.jobrows import KINDS

    rows = GaugeMetricFamily(
        "pingyi_job_rows", "The apps' job rows by kind and status (not done).", labels=["kind", "status"]
    )
    for kind in KINDS.values():
        statuses = [s for s in (kind.queued, kind.running, kind.failed) if s is not None]
        counts = dict(
            kind.rows().order_by().filter(status__in=statuses).values_list("status").annotate(n=Count("pk"))
        )
        for status in statuses:
            rows.add_metric([kind.name, str(status)], counts.get(status, 0))
    yield rows


def _heartbeat() -> Iterator[Metric]:
    from pingyi.ops.health import HEARTBEAT
    from pingyi.ops.models import Heartbeat

    beat = Heartbeat.objects.filter(name=HEARTBEAT).first()
    if beat is not None:
        yield GaugeMetricFamily(
            "pingyi_worker_heartbeat_age_seconds",
            "Seconds since the worker's heartbeat job last ran.",
            value=max(0.0, (timezone.now() - beat.beat_at).total_seconds()),
        )


def _histogram(
    name: str, documentation: str, bounds: Iterable[float], cumulative: list[int], count: int, total: float
) -> HistogramMetricFamily:
    buckets = [(str(bound), n) for bound, n in zip(bounds, cumulative, strict=False)] + [("+Inf", count)]
    family = HistogramMetricFamily(name, documentation)
    family.add_metric([], buckets, sum_value=total)
    return family


def _comparisons() -> Iterator[Metric]:
    from django.db.models import Sum

    from pingyi.oversight.models import ComparisonRun

    done = ComparisonRun.objects.filter(status=ComparisonRun.Status.DONE, duration_ms__isnull=False)
    sums = done.aggregate(
        n=Count("id"),
        total=Sum("duration_ms"),
        **{
            f"le{i}": Count("id", filter=Q(duration_ms__lte=b * 1000))
            for i, b in enumerate(COMPARISON_BOUNDS)
        },
    )
    yield _histogram(
        "pingyi_comparison_run_duration_seconds",
        "How long finished comparison runs took.",
        COMPARISON_BOUNDS,
        [sums[f"le{i}"] for i in range(len(COMPARISON_BOUNDS))],
        sums["n"],
        (sums["total"] or 0) / 1000,
    )
    last = done.order_by("-finished_at", "-id").values_list("duration_ms", flat=True).first()
    if last is not None:
        yield GaugeMetricFamily(
            "pingyi_comparison_run_last_duration_seconds",
            "How long the last finished comparison run took.",
            value=last / 1000,
        )


def _rollup_func() -> str:
    from django_q.models import Schedule

    from pingyi.insight.tasks import REFRESH_SCHEDULE

    return Schedule.objects.filter(name=REFRESH_SCHEDULE).values_list("func", flat=True).first() or ""


def _jobs() -> Iterator[Metric]:
    from pingyi.ops.models import JobTiming

    rows = list(JobTiming.objects.order_by("func"))
    durations = HistogramMetricFamily(
        "pingyi_job_duration_seconds", "How long the worker's jobs ran, by function.", labels=["func"]
    )
    last = GaugeMetricFamily("pingyi_job_last_duration_seconds", "The last run of each job.", labels=["func"])
    failures = CounterMetricFamily(
        "pingyi_job_failures", "Job runs that failed, by function.", labels=["func"]
    )
    for row in rows:
        buckets = [(str(b), n) for b, n in zip(BOUNDS, row.buckets, strict=False)] + [("+Inf", row.count)]
        durations.add_metric([row.func], buckets, sum_value=row.total_seconds)
        if row.last_seconds is not None:
            last.add_metric([row.func], row.last_seconds)
        failures.add_metric([row.func], row.failures)
    yield from (durations, last, failures)
    refresh = next((row for row in rows if row.func == _rollup_func()), None)
    yield _histogram(
        "pingyi_rollup_refresh_duration_seconds",
        "How long the insight cubes' refresh ran.",
        BOUNDS,
        list(refresh.buckets) if refresh else [0] * len(BOUNDS),
        refresh.count if refresh else 0,
        refresh.total_seconds if refresh else 0.0,
    )
    if refresh is not None and refresh.last_seconds is not None:
        yield GaugeMetricFamily(
            "pingyi_rollup_refresh_last_duration_seconds",
            "How long the last refresh of the insight cubes ran.",
            value=refresh.last_seconds,
        )


SOURCES = (_ratings, _tickets, _queue, _heartbeat, _comparisons, _jobs)


class DatabaseMetrics(Collector):
    def collect(self) -> Iterable[Metric]:
        with _lock:
            if time.monotonic() - _cache["at"] >= int(settings.PINGYI_OPS["metrics_db_seconds"]):
                _cache["metrics"] = [metric for source in SOURCES for metric in source()]
                _cache["at"] = time.monotonic()
            return list(_cache["metrics"])


def database_metrics() -> DatabaseMetrics:
    return DatabaseMetrics()
