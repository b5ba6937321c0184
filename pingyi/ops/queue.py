"""The job broker's queue, as /metrics and the reaper see it: how many tasks wait, and since when the oldest.

Both brokers pingyi uses are read: the ORM broker (django-q's ``OrmQ`` rows; a row whose lock is in the future was
handed to a worker and is not waiting) and Redis (a list). A task's package carries the moment it was queued.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.utils import timezone
from django_q.brokers import get_broker
from django_q.signing import SignedPackage

log = logging.getLogger(__name__)


def queue_depth() -> int:
    """Tasks waiting for a worker."""
    return int(get_broker().queue_size() or 0)


def _queued_at(payload: Any) -> datetime | None:
    try:
        task = SignedPackage.loads(payload)
    except Exception:  # a package signed with another key, or not a task: it has no age we can tell
        return None
    started = task.get("started") if isinstance(task, dict) else None
    return started if isinstance(started, datetime) else None


def oldest_queued_at() -> datetime | None:
    """When the task at the head of the queue was queued (None for an empty queue)."""
    broker = get_broker()
    connection = broker.connection
    if hasattr(connection, "lindex"):  # Redis: the head of the list is the next task out
        head = connection.lindex(broker.list_key, 0)
        return _queued_at(head) if head is not None else None
    from django_q.models import OrmQ

    head = (
        OrmQ.objects.filter(key=broker.list_key, lock__lte=timezone.now())
        .order_by("id")
        .only("payload")
        .first()
    )
    return _queued_at(head.payload) if head is not None else None
