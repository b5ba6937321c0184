"""The /metrics page: the request metrics of every process of this server, then the deployment's counts.

Under ``pingyi serve`` (gunicorn, several worker processes) django-prometheus's counters live in prometheus_client's
multiprocess files (``PROMETHEUS_MULTIPROC_DIR``, prepared by ``multiprocess.prepare``), which any one worker sums
for the page; without it (a single process: tests, ``runserver``) the process's own registry is read.
"""

from __future__ import annotations

import os

from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector

from pingyi.ops.metrics.collector import database_metrics

CONTENT_TYPE = CONTENT_TYPE_LATEST


def _process_registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        return registry
    return REGISTRY


def metrics_text() -> bytes:
    database = CollectorRegistry()
    database.register(database_metrics())
    return generate_latest(_process_registry()) + generate_latest(database)
