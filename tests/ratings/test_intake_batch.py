"""The batch statement of the lean intake (intake.batch.store): many QR-poster ratings in one statement decide, row
by row, exactly what each would decide alone — the same refusals, flags and stored row — and store exactly the
accepted ones. (One rating alone is checked against the portable path in test_intake_poster.py.) PostgreSQL only.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pingyi.catalog.models import DutyShift
from pingyi.lib import crypto
from pingyi.lib.scales import Channel, Scale
from pingyi.ratings.errors import RateLimited
from pingyi.ratings.intake import RatingInput
from pingyi.ratings.intake.batch import Prepared, Stored, Undecided, prepare, store
from pingyi.ratings.models import QrPoster, Rating, StaffDevice
from pingyi.ratings.posters.services import poster_issue

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the batch statement is PostgreSQL's"
)

LIMITS = {"limit_per_device_10min": 3, "limit_per_phone_day": 2, "burst_per_device_10min": 2}
STAFF_PHONE = "13800001111"  # staff_a's


@pytest.fixture
def posters(world: Any, settings: Any) -> dict[str, str]:
    settings.PINGYI_RATINGS = {**settings.PINGYI_RATINGS, **LIMITS}
    now = timezone.now()
    DutyShift.objects.create(
        window=world.window_b,
        staff=world.staff_b,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
    )
    retired = poster_issue(actor=None, window=world.window_sub)
    poster_issue(actor=None, window=world.window_sub)  # a reprint retires the first
    return {
        "a": poster_issue(actor=None, window=world.window_a).token,
        "b": poster_issue(actor=None, window=world.window_b).token,
        "retired": QrPoster.objects.get(pk=retired.pk).token,
    }


def device(name: str) -> str:
    return crypto.blind_index(f"c:{name}", purpose="device-fingerprint")


def rating(poster: str, level: int = 5, **kwargs: Any) -> tuple[RatingInput, str]:
    kwargs.setdefault(
        "device_fp", device(f"own-{poster}-{level}-{kwargs.get('phone', '')}-{kwargs.get('comment')}")
    )
    return RatingInput(
        channel=Channel.QR, scale=Scale.FIVE, level=level, network_fp="n" * 64, **kwargs
    ), poster


def history(world: Any, *, device_fp: str = "", phone: str = "", count: int = 1) -> None:
    """Earlier ratings (received a minute ago) of a device or a phone."""
    for _ in range(count):
        r = Rating(
            district=world.district,
            unit=world.unit_a,
            window=world.window_a,
            channel=Channel.QR,
            scale=Scale.FIVE,
            level=5,
            level5=5,
            negative=False,
            device_fp=device_fp,
            rated_at=timezone.now() - timedelta(minutes=1),
            received_at=timezone.now() - timedelta(minutes=1),
        )
        if phone:
            r.set_phone(phone)
        r.save()


def mixed(world: Any, p: dict[str, str]) -> list[tuple[RatingInput, str]]:
    """Ratings of every outcome, no two of one device or phone; the history they need is seeded."""
    history(world, phone="13911110000", count=2)  # at the phone's daily limit
    history(world, device_fp=device("busy"), count=3)  # at the device's 10-minute limit
    history(world, device_fp=device("bursty"), count=1)  # one more makes a burst
    history(world, phone="13911110003", count=1)
    StaffDevice.objects.create(user=world.users["clerk"], device_fp=device("colleague"))
    return [
        rating(p["a"], 5, comment="fine"),
        rating(p["retired"], 5, comment="retired poster"),
        rating(p["a"], 5, tags=["108"], comment="a tag of another level"),
        rating(
            p["b"], 1, tags=["108", "115"], dimensions={"overall": 1}, phone="139 1111 0001", comment="差"
        ),
        rating(p["a"], 4, phone="13911110000", comment="phone at its limit"),
        rating(p["b"], 3, device_fp=device("busy"), comment="device at its limit"),
        rating(p["a"], 5, device_fp=device("bursty"), comment="burst"),
        rating(p["a"], 2, phone=STAFF_PHONE, comment="staff phone"),
        rating(p["b"], 5, device_fp=device("colleague"), comment="staff device"),
        rating(p["a"], 4, phone="13911110003", comment="second rating of a phone"),
        rating("Wnot-a-poster", 5, comment="unknown poster"),
        rating(p["b"], 5, device_fp="", comment="no device"),
    ]


def outcome(result: Stored | Exception) -> tuple[Any, ...]:
    if isinstance(result, Stored):
        row = Rating.objects.filter(pk=result.id).values().get()
        assert (row["unit_id"], row["window_id"], row["district_id"], row["staff_id"], row["flags"]) == (
            result.unit_id,
            result.window_id,
            result.district_id,
            result.staff_id,
            result.flags,
        )
        for name in ("id", "received_at", "rated_at", "tracking_code", "phone_ciphertext"):
            row[name] = bool(row[name]) if name == "tracking_code" else None
        return ("stored", row)
    return ("refused", type(result).__name__, str(result))


def test_a_batch_decides_each_rating_as_it_would_alone(world: Any, posters: dict[str, str]) -> None:
    with transaction.atomic():
        batch = [prepare(data, token) for data, token in mixed(world, posters)]
        alone = []
        for p in batch:
            with transaction.atomic():
                (result,) = store([_fresh(p)])
                alone.append(outcome(result))
                transaction.set_rollback(True)
        before = set(Rating.objects.values_list("pk", flat=True))
        with CaptureQueriesContext(connection) as queries:
            together = store(batch)
        sent = [
            q for q in queries.captured_queries if not (q["sql"] or "").startswith(("SAVEPOINT", "RELEASE"))
        ]
        assert len(sent) == 1  # one statement for the batch
        assert [outcome(r) for r in together] == alone
        stored = [r.id for r in together if isinstance(r, Stored)]
        assert set(Rating.objects.exclude(pk__in=before).values_list("pk", flat=True)) == set(stored)
        transaction.set_rollback(True)

    kinds = [o[0] if o[0] == "stored" else o[1] for o in alone]
    assert kinds == [
        "stored",
        "Undecided",
        "Undecided",
        "stored",
        "RateLimited",
        "RateLimited",
        "stored",
        "stored",
        "stored",
        "stored",
        "Undecided",
        "stored",
    ]
    flags = {o[1]["comment"]: o[1]["flags"] for o in alone if o[0] == "stored"}
    hours = [f for f in flags["fine"] if f == "outside_hours"]  # by the time of the test: every row alike
    assert flags["burst"] == ["burst", *hours] and flags["staff phone"] == ["staff_phone", *hours]
    assert flags["staff device"] == ["staff_device", *hours] and flags["差"] == hours
    rows = {o[1]["comment"]: o[1] for o in alone if o[0] == "stored"}
    assert rows["差"]["tracking_code"] and rows["差"]["negative"] and rows["差"]["tags"] == ["108", "115"]
    assert rows["差"]["staff_id"] == world.staff_b.pk and rows["fine"]["staff_id"] is None
    assert rows["差"]["phone_masked"] == "139****0001"


def _fresh(p: Prepared) -> Prepared:
    """The same rating with a fresh tracking code (the one-by-one runs are rolled back, but the code is unique)."""
    return dataclasses.replace(
        p, values={**p.values, "tracking_code": p.values["tracking_code"] and "T" + "0" * 9}
    )


def test_a_batch_with_two_ratings_of_one_phone_is_refused_outright(
    world: Any, posters: dict[str, str]
) -> None:
    one = prepare(*rating(posters["a"], 5, phone="13911112222", comment="one"))
    two = prepare(*rating(posters["b"], 4, phone="13911112222", comment="two"))
    with pytest.raises(AssertionError, match="a device or phone twice"):
        store([one, two])


def test_a_unique_violation_is_the_error_of_its_rating_alone(world: Any, posters: dict[str, str]) -> None:
    clash = prepare(*rating(posters["a"], 1, comment="clash"))
    with transaction.atomic():
        store([clash])  # its tracking code is taken now
        others = [prepare(*rating(posters["b"], 5, comment=f"other {n}")) for n in range(2)]
        results = store([others[0], clash, others[1]])
        assert isinstance(results[0], Stored) and isinstance(results[2], Stored)
        assert "tracking_code" in str(results[1])
        assert Rating.objects.filter(comment__startswith="other").count() == 2
        transaction.set_rollback(True)


def test_ratings_refused_in_a_batch_store_nothing(world: Any, posters: dict[str, str]) -> None:
    with transaction.atomic():
        history(world, phone="13911110000", count=2)
        batch = [
            prepare(*rating(posters["retired"], 5)),
            prepare(*rating(posters["a"], 4, phone="13911110000")),
        ]
        before = Rating.objects.count()
        results = store(batch)
        assert isinstance(results[0], Undecided) and isinstance(results[1], RateLimited)
        assert Rating.objects.count() == before
        transaction.set_rollback(True)
