"""Group commit of the lean intake (intake.group): request threads storing their ratings together.

Real threads, each with its own database connection, on committed data (a transactional test), storing through the
real batch statement: a rating is answered only once it is committed; two ratings of one phone or device never share
a batch — the later one is stored after the earlier and counts it, as one statement after the other would; a failed
statement answers every rating of its batch with the error, and the next batch is stored as usual. PostgreSQL only.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import OperationalError, connection, connections

from pingyi.lib import crypto
from pingyi.lib.scales import Channel, Scale
from pingyi.ratings.errors import RateLimited
from pingyi.ratings.intake import RatingInput
from pingyi.ratings.intake.batch import Prepared, Stored, prepare, store
from pingyi.ratings.intake.group import GroupCommit
from pingyi.ratings.models import Rating
from pingyi.ratings.posters.services import poster_issue

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the batch statement is PostgreSQL's"),
    pytest.mark.django_db(transaction=True),
]

Outcome = Stored | Exception


class Recorder:
    """``store``, recording each batch; the first batch waits until the test lets it go."""

    def __init__(self, fail: int | None = None) -> None:
        self.batches: list[list[str]] = []
        self.entered = threading.Event()
        self.go = threading.Event()
        self.fail = fail  # the number of the batch to fail, as a lost database would

    def __call__(self, batch: list[Prepared]) -> list[Outcome]:
        if not self.batches:
            self.entered.set()
            assert self.go.wait(10)
        self.batches.append([p.values["comment"] for p in batch])
        try:
            if len(self.batches) - 1 == self.fail:
                raise OperationalError("the database went away")
            return store(batch)
        finally:
            connections.close_all()  # this thread's connection (threads end with the test)


def rating(token: str, comment: str, **kwargs: Any) -> Prepared:
    fp = crypto.blind_index(f"c:{kwargs.pop('cookie', comment)}", purpose="device-fingerprint")
    data = RatingInput(channel=Channel.QR, scale=Scale.FIVE, level=5, comment=comment, device_fp=fp, **kwargs)
    return prepare(data, token)


def submit_all(
    group: GroupCommit[Prepared, Outcome], items: list[Prepared], recorder: Recorder
) -> dict[str, Any]:
    """Submit the first item, then the others while the first batch waits; the answers by comment, and for each
    stored one whether it was already committed when its thread was answered."""
    answers: dict[str, Any] = {}
    committed: dict[str, bool] = {}

    def one(item: Prepared) -> None:
        try:
            answers[item.values["comment"]] = result = group.submit(item)
        except Exception as exc:
            answers[item.values["comment"]] = exc
            return
        if isinstance(result, Stored):
            other = connections.create_connection("default")  # another session sees only what is committed
            try:
                with other.cursor() as cursor:
                    cursor.execute("SELECT count(*) FROM ratings_rating WHERE id = %s", [result.id])
                    committed[item.values["comment"]] = cursor.fetchone()[0] == 1
            finally:
                other.close()

    threads = [threading.Thread(target=one, args=(item,)) for item in items]
    threads[0].start()
    assert recorder.entered.wait(10)  # the first thread stores its rating alone, and waits
    for queued, t in enumerate(threads[1:], start=1):
        t.start()
        _wait_for(lambda queued=queued: len(group._queue) == queued)  # queued in this order
    recorder.go.set()
    for t in threads:
        t.join(20)
        assert not t.is_alive()
    assert len(committed) == sum(isinstance(a, Stored) for a in answers.values()) and all(committed.values())
    return answers


def _wait_for(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


@pytest.fixture
def token(world: Any, settings: Any) -> str:
    settings.PINGYI_RATINGS = {
        **settings.PINGYI_RATINGS,
        "limit_per_phone_day": 1,
        "burst_per_device_10min": 2,
    }
    return poster_issue(actor=None, window=world.window_a).token


def test_ratings_of_one_phone_or_device_are_stored_one_after_the_other(token: str) -> None:
    recorder = Recorder()
    group: GroupCommit[Prepared, Outcome] = GroupCommit(recorder)
    items = [
        rating(token, "first"),
        rating(token, "phone once", phone="13911112222"),
        rating(token, "phone twice", phone="13911112222"),
        rating(token, "device once", cookie="shared"),
        rating(token, "device twice", cookie="shared"),
        rating(token, "other"),
    ]
    answers = submit_all(group, items, recorder)
    # the second of each pair waits for the next batch; everything else goes into the first batch it can
    assert recorder.batches == [
        ["first"],
        ["phone once", "device once", "other"],
        ["phone twice", "device twice"],
    ]
    assert isinstance(answers["phone twice"], RateLimited)  # one a day: the first one counted
    assert answers["device twice"].flags[:1] == ["burst"]  # two in 10 minutes: the first one counted
    assert answers["device once"].flags[:1] != ["burst"]
    stored = {c for c, a in answers.items() if isinstance(a, Stored)}
    assert (
        set(Rating.objects.values_list("comment", flat=True))
        == stored
        == {
            "first",
            "phone once",
            "device once",
            "device twice",
            "other",
        }
    )
    assert not group._leading and not group._queue


def test_a_failed_batch_answers_each_of_its_ratings_and_the_next_one_is_stored(token: str) -> None:
    recorder = Recorder(fail=1)
    group: GroupCommit[Prepared, Outcome] = GroupCommit(recorder)
    items = [rating(token, "first"), rating(token, "lost 1"), rating(token, "lost 2")]
    answers = submit_all(group, items, recorder)
    assert recorder.batches == [["first"], ["lost 1", "lost 2"]]
    assert isinstance(answers["first"], Stored)
    assert all(isinstance(answers[c], OperationalError) for c in ("lost 1", "lost 2"))
    assert isinstance(group.submit(rating(token, "after")), Stored)
    assert sorted(Rating.objects.values_list("comment", flat=True)) == ["after", "first"]


def test_many_threads_at_once_are_all_answered_and_stored(token: str) -> None:
    group: GroupCommit[Prepared, Outcome] = GroupCommit(_closing(store))
    answers: list[Outcome] = []
    phones = ["13900000001", "13900000002"]

    def client(n: int) -> None:
        for k in range(10):
            answers.append(group.submit(rating(token, f"{n}-{k}", phone=phones[k % 2] if n == 0 else "")))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
        assert not t.is_alive()
    assert len(answers) == 80
    stored = sorted(a.id for a in answers if isinstance(a, Stored))
    assert stored == sorted(Rating.objects.values_list("pk", flat=True))
    assert len(stored) == 80 - 8  # one a day per phone: 5 ratings each, 4 refused
    assert sum(isinstance(a, RateLimited) for a in answers) == 8
    assert not group._leading and not group._queue


def _closing(inner: Callable[[list[Prepared]], list[Outcome]]) -> Callable[[list[Prepared]], list[Outcome]]:
    def store_and_close(batch: list[Prepared]) -> list[Outcome]:
        try:
            return inner(batch)
        finally:
            connections.close_all()

    return store_and_close
