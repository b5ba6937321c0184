"""Group commit for the lean intake: the request threads of a worker process store their ratings together.

A request thread hands its prepared rating to ``GroupCommit.submit`` and gets back what was decided for it. If fewer
than ``leaders`` threads are storing, it stores at once — its own rating and whatever others queued meanwhile — on
its own database connection: one statement (``intake_batch.store``), one round trip, one commit. A thread that
arrives while as many are storing queues its rating and waits; a storing thread that has its own answer hands the
lead to the first thread still waiting, which stores everything queued by then. So at low load a rating is stored at
once, as before, and under load each statement stores the ratings that arrived during the previous ones. Two
leaders let one batch be built and answered in Python while the other is in the database.

Every thread is answered only after the statement that stored its rating has returned, that is after its commit
(autocommit): an acknowledged rating is a stored one. If the statement fails, every rating of that batch gets the
error (nothing of it was stored).

Two ratings of one device fingerprint or one phone (``keys``) are never stored by statements that overlap: a rating
whose key is in a batch being stored, or in an earlier rating still queued, waits for a later batch, which sees the
earlier one committed — so the rate limits and flags count it exactly as one statement after the other would.
(Between worker processes the counts are as racy as they always were between concurrent statements.)
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar


class Keyed(Protocol):
    @property
    def keys(self) -> tuple[str, ...]: ...


Item = TypeVar("Item", bound=Keyed)
Result = TypeVar("Result")


class _Waiter(Generic[Item, Result]):
    __slots__ = ("item", "wake", "lead", "done", "result", "error")

    def __init__(self, item: Item) -> None:
        self.item = item
        self.wake = threading.Lock()
        self.wake.acquire()  # released once: with the answer, or with the lead
        self.lead = False
        self.done = False
        self.result: Result | None = None
        self.error: BaseException | None = None

    def answer(self) -> Result:
        if self.error is not None:
            raise self.error
        return self.result  # type: ignore[return-value]


class GroupCommit(Generic[Item, Result]):
    """``submit(item)`` stores ``item`` with ``store(batch)`` (one result per item, in order), batched with the
    items other threads submit meanwhile; at most ``leaders`` batches at once, no key in two of them."""

    def __init__(
        self, store: Callable[[list[Item]], list[Result]], *, leaders: int = 2, max_batch: int = 64
    ) -> None:
        self.store = store
        self.leaders = leaders
        self.max_batch = max_batch
        self._mutex = threading.Lock()
        self._stored = threading.Condition(self._mutex)  # a batch is done: its keys are free again
        self._queue: deque[_Waiter[Item, Result]] = deque()
        self._busy: set[str] = set()  # the keys of the batches being stored (no key in two of them)
        self._leading = 0
        self.batches = 0  # stored so far (statements run), and the items in them
        self.items = 0

    def submit(self, item: Item) -> Result:
        waiter: _Waiter[Item, Result] = _Waiter(item)
        with self._mutex:
            self._queue.append(waiter)
            waiter.lead = self._leading < self.leaders
            if waiter.lead:
                self._leading += 1
        if not waiter.lead:
            waiter.wake.acquire()
            if not waiter.lead:
                return waiter.answer()
        self._lead(waiter)
        return waiter.answer()

    def _lead(self, own: _Waiter[Item, Result]) -> None:
        try:
            while not own.done:
                batch = self._take(own)
                if batch:
                    self._store(batch, own)
        finally:
            self._hand_on()

    def _take(self, own: _Waiter[Item, Result]) -> list[_Waiter[Item, Result]]:
        """The next batch, in arrival order, leaving queued an item with a key of a batch being stored or of an
        earlier item left queued. When every item is left, waits for a batch to be done; empty if ``own`` was."""
        with self._mutex:
            while not own.done:
                batch: list[_Waiter[Item, Result]] = []
                held: deque[_Waiter[Item, Result]] = deque()
                seen = set(self._busy)
                while self._queue and len(batch) < self.max_batch:
                    w = self._queue.popleft()
                    if seen.intersection(w.item.keys):
                        held.append(w)
                    else:
                        batch.append(w)
                    seen.update(w.item.keys)
                held.extend(self._queue)
                self._queue = held
                if batch:
                    for w in batch:
                        self._busy.update(w.item.keys)
                    return batch
                self._stored.wait()
            return []

    def _store(self, batch: list[_Waiter[Item, Result]], own: _Waiter[Item, Result]) -> None:
        results: list[Result] | None = None
        error: BaseException | None = None
        try:
            results = self.store([w.item for w in batch])
            assert len(results) == len(batch), "one result per item"
        except BaseException as exc:  # every waiter of the batch is answered, whatever happened
            error = exc
        with self._mutex:
            self.batches += 1
            self.items += len(batch)
            for n, w in enumerate(batch):
                if results is None:
                    w.error = error
                else:
                    w.result = results[n]
                w.done = True
                self._busy.difference_update(w.item.keys)
            self._stored.notify_all()
            # a waiter given the lead meanwhile has been woken already; it finds its answer there
            woken = [w for w in batch if w is not own and not w.lead]
        for w in woken:
            w.wake.release()

    def _hand_on(self) -> None:
        with self._mutex:
            successor = next((w for w in self._queue if not w.lead), None)
            if successor is None:
                self._leading -= 1
                return
            successor.lead = True
        successor.wake.release()
