"""Group commit for the lean intake: the request threads of a worker process store their ratings together.

A request thread hands its prepared rating to ``GroupCommit.submit`` and gets back what was decided for it. If no
other thread is storing, it stores at once — its own rating and whatever others queued meanwhile — on its own
database connection: one statement (``batch.store``), one round trip, one commit. A thread that arrives while
another is storing queues its rating and waits; the storing thread, once it has its own answer, hands the lead to the
first thread still waiting, which stores everything queued by then. So at low load a rating is stored at once, as
before, and under load each statement stores the ratings that arrived during the previous one. One statement at a
time per worker process: with two at a time the batches were smaller and the rate lower (decision 0016).

Every thread is answered only after the statement that stored its rating has returned, that is after its commit
(autocommit): an acknowledged rating is a stored one. If the statement fails, every rating of that batch gets the
error (nothing of it was stored).

Two ratings of one device fingerprint or one phone (``keys``) never go into one batch: the later one, and anything
queued after it with one of its keys, waits for a later batch, which sees the earlier one committed — so the rate
limits and flags count it exactly as one statement after the other would. (Between worker processes the counts are
as racy as they always were between concurrent statements.)
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
    items other threads submit meanwhile; one batch at a time, no key twice in a batch."""

    def __init__(self, store: Callable[[list[Item]], list[Result]], *, max_batch: int = 64) -> None:
        self.store = store
        self.max_batch = max_batch
        self._mutex = threading.Lock()
        self._queue: deque[_Waiter[Item, Result]] = deque()
        self._leading = False
        self.batches = 0  # stored so far (statements run), and the items in them
        self.items = 0

    def submit(self, item: Item) -> Result:
        waiter: _Waiter[Item, Result] = _Waiter(item)
        with self._mutex:
            self._queue.append(waiter)
            waiter.lead = not self._leading
            self._leading = True
        if not waiter.lead:
            waiter.wake.acquire()  # answered, or given the lead
            if not waiter.lead:
                return waiter.answer()
        try:
            while not waiter.done:
                self._store(self._take())
        finally:
            self._hand_on()
        return waiter.answer()

    def _take(self) -> list[_Waiter[Item, Result]]:
        """The next batch, in arrival order: an item with a key of an earlier item left queued is left queued too.
        (The first item is always taken: a leader's own item is stored by its first batch or a later one.)"""
        with self._mutex:
            batch: list[_Waiter[Item, Result]] = []
            held: deque[_Waiter[Item, Result]] = deque()
            seen: set[str] = set()
            while self._queue and len(batch) < self.max_batch:
                w = self._queue.popleft()
                if seen.intersection(w.item.keys):
                    held.append(w)
                else:
                    batch.append(w)
                seen.update(w.item.keys)
            held.extend(self._queue)
            self._queue = held
        return batch

    def _store(self, batch: list[_Waiter[Item, Result]]) -> None:
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
            if not w.lead:  # the leader's own item (the only one with the lead) is answered in its own thread
                w.wake.release()

    def _hand_on(self) -> None:
        """The lead to the first thread still waiting, if any."""
        with self._mutex:
            if not self._queue:
                self._leading = False
                return
            successor = self._queue[0]
            successor.lead = True
        successor.wake.release()
