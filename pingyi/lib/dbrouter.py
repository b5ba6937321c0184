"""Reads from a streaming replica, opt-in: only inside ``replica_reads()``, and only while the replica is healthy.

With ``PINGYI_REPLICA_DATABASE_URL`` set, settings add the database alias ``replica`` and install ``ReplicaRouter``
(and ``pingyi.lib.dbpin.ReplicaReadsMiddleware``, which enters ``replica_reads()`` for the dashboard, report,
export and public pages). Everything else — services, workers, the intake, every write — uses ``default`` as if
there were no replica. Decision 0024 says why the choice is by view and not by model.

Inside ``replica_reads()`` a read goes to the replica unless:

- the model belongs to an app whose rows decide who may do what (sessions, accounts, auth, contenttypes): those are
  read from the primary always, so that a revoked token or a locked account is never seen alive on a lagging copy;
- a transaction is open on ``default`` (what is read there may be written back);
- the replica is unhealthy: it did not answer, it is not in recovery (a promoted or misconfigured copy), or it lags
  the primary by more than ``PINGYI_REPLICA["max_lag_seconds"]``. The verdict is kept per process for
  ``check_seconds``; a failed query on the replica marks it unhealthy at once (``replica_failed``).

Every write goes to ``default`` (also the save of a row that was read from the replica), and is noted, so that the
middleware can pin the writer's next requests to the primary (read your own writes).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

REPLICA = "replica"
# Apps whose rows are read from the primary even inside replica_reads(): who is signed in, with which rights.
PRIMARY_ONLY_APPS = frozenset({"sessions", "accounts", "auth", "contenttypes"})

log = logging.getLogger(__name__)


@dataclass
class Reads:
    """What one ``replica_reads()`` block asked for and what happened in it."""

    replica: bool  # reads may go to the replica (False: pinned to the primary, but writes are still noted)
    used: bool = False  # a read was sent to the replica
    failed: bool = False  # a query on the replica failed
    wrote: bool = False  # a write was routed (to the primary)


_current: ContextVar[Reads | None] = ContextVar("pingyi_replica_reads", default=None)


def configured() -> bool:
    """Whether this deployment has a replica at all."""
    return REPLICA in settings.DATABASES


@contextlib.contextmanager
def replica_reads(*, replica: bool = True) -> Iterator[Reads]:
    """Within the block, reads may go to the replica (``replica=False``: they do not, but writes are noted)."""
    state = Reads(replica=replica and configured())
    token = _current.set(state)
    try:
        yield state
    finally:
        _current.reset(token)


def current() -> Reads | None:
    return _current.get()


def enter(state: Reads) -> Callable[[], None]:
    """Make ``state`` current (for an iterator that resumes the block chunk by chunk); returns its undo."""
    token = _current.set(state)
    return lambda: _current.reset(token)


# ------------------------------------------------------------------------------------------------ health --------
class _Health:
    """The replica's last verdict in this process, and when it was reached."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.checked_at = -1e18
        self.healthy = False


HEALTH = _Health()

# The lag of a streaming standby: none when everything received is replayed and the WAL receiver is streaming;
# otherwise the age of the last transaction replayed (which also grows while the standby is cut off from the
# primary). Not in recovery: the copy was promoted or is not a standby, and is not read.
LAG_SQL = """
SELECT pg_is_in_recovery(),
       CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
                 AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') THEN 0.0
            ELSE EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())::float8 END
"""


def options() -> dict[str, Any]:
    """``settings.PINGYI_REPLICA``: pin_seconds, max_lag_seconds, check_seconds, views."""
    value: dict[str, Any] = settings.PINGYI_REPLICA
    return value


def probe() -> tuple[bool, str]:
    """Ask the replica now: (usable, why not). Closes this thread's replica connection when it failed."""
    connection = connections[REPLICA]
    try:
        with connection.cursor() as cursor:
            if connection.vendor != "postgresql":
                cursor.execute("SELECT 1")
                return True, ""
            cursor.execute(LAG_SQL)
            in_recovery, lag = cursor.fetchone()
    except DatabaseError as exc:
        connection.close()
        return False, f"unreachable: {exc.__class__.__name__}: {str(exc).strip()[:200]}"
    if not in_recovery:
        return False, "not in recovery (not a standby)"
    max_lag = float(options()["max_lag_seconds"])
    if lag is None or lag > max_lag:
        return False, f"lags {'unknown' if lag is None else f'{lag:.1f} s'} (more than {max_lag:g} s)"
    return True, ""


def replica_healthy() -> bool:
    """The replica's verdict, asked again when older than ``check_seconds``."""
    now = time.monotonic()
    if now - HEALTH.checked_at < float(options()["check_seconds"]):
        return HEALTH.healthy
    with HEALTH.lock:
        if now - HEALTH.checked_at < float(options()["check_seconds"]):
            return HEALTH.healthy
        healthy, why = probe()
        if healthy != HEALTH.healthy or not healthy:
            log.log(logging.INFO if healthy else logging.WARNING, "replica %s", "healthy" if healthy else why)
        HEALTH.healthy, HEALTH.checked_at = healthy, time.monotonic()
    return healthy


def replica_failed() -> None:
    """A query on the replica failed: read from the primary until the next check finds it healthy again."""
    with HEALTH.lock:
        HEALTH.healthy, HEALTH.checked_at = False, time.monotonic()
    with contextlib.suppress(DatabaseError):
        connections[REPLICA].close()


def _connected() -> bool:
    """This thread's replica connection works or could be opened (a dead one is dropped first); False marks it down.

    The router asks before it names the replica, because a failure to connect happens before any query and so
    outside ``note_replica_errors``.
    """
    connection = connections[REPLICA]
    try:
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except DatabaseError:
        replica_failed()
        return False
    return True


# ------------------------------------------------------------------------------------------------ router --------
class ReplicaRouter:
    """Django's router: the replica for the reads of a ``replica_reads()`` block, the primary for the rest."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        state = _current.get()
        if (
            state is None
            or not state.replica
            or model._meta.app_label in PRIMARY_ONLY_APPS
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
            or not replica_healthy()
            or not _connected()
        ):
            return DEFAULT_DB_ALIAS
        state.used = True
        return REPLICA

    def db_for_write(self, model: Any, **hints: Any) -> str:
        state = _current.get()
        if state is not None:
            state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        both = {obj1._state.db, obj2._state.db}
        return True if both <= {DEFAULT_DB_ALIAS, REPLICA} else None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        # The replica is a physical copy of the primary: it gets its schema by replication, never by migrate.
        return False if db == REPLICA else None


def note_replica_errors(execute: Any, sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
    """An execute wrapper for the replica's connection: a failed query marks the current block as failed."""
    try:
        return execute(sql, params, many, context)
    except DatabaseError:
        state = _current.get()
        if state is not None:
            state.failed = True
        raise
