"""The one-statement intake (intake.statement.rating_submit_fast) against the portable one (intake.portable).

For the same database state and the same input, both must store the same row (every column but the id, the time of
receipt, the random tracking code and the phone's random-nonce ciphertext, which are compared by presence and by
plain text) or raise the same error (class, message, field). A table of named cases pins each refusal and flag (and
checks that the case really produces it); hypothesis then mixes every dimension at random. PostgreSQL only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from pingyi.catalog.models import DutyShift, Window, WindowHours
from pingyi.ledger.models import ServiceRecord
from pingyi.lib import crypto
from pingyi.lib.scales import Channel, Scale
from pingyi.ratings.errors import AlreadyRated, InvalidRating, RateLimited
from pingyi.ratings.intake import RatingInput
from pingyi.ratings.intake.orm import rating_submit_portable as rating_submit
from pingyi.ratings.intake.statement import rating_submit_fast, statement
from pingyi.ratings.models import Rating, StaffDevice

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the one-statement intake is PostgreSQL's"
)

CITIZEN = "13812345678"
OTHER_PHONE = "13911112222"
STAFF_A_PHONE = "13800001111"  # staff_a, this district
STAFF_OTHER_PHONE = "13700003333"  # staff_other, another district: no flag
DEVICE = "d" * 64
STAFF_DEVICE = "s" * 64
LIMITS = {
    "limit_per_device_10min": 4,
    "limit_per_phone_day": 4,
    "burst_per_device_10min": 3,
    "phone_records_30d": 3,
    "phone_units_30d": 3,
    "outside_hours_grace_minutes": 30,
}


def last_weekday(before: date, weekday: int) -> date:
    day = before - timedelta(days=1)
    while day.weekday() != weekday:
        day -= timedelta(days=1)
    return day


def local(day: date, hour: int, minute: int = 0, second: int = 0, micro: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute, second, micro), tzinfo=timezone.get_default_timezone())


MONDAY = last_weekday(timezone.localdate(), 0)
SUNDAY = last_weekday(timezone.localdate(), 6)
RATED_AT: dict[str, Callable[[], datetime | None]] = {
    "now": lambda: None,
    "mon_10": lambda: local(MONDAY, 10),
    "mon_20": lambda: local(MONDAY, 20),
    "mon_0800": lambda: local(MONDAY, 8),  # 08:30 − 30 min grace: inside
    "mon_0759": lambda: local(MONDAY, 7, 59, 59, 999999),
    "mon_1800": lambda: local(MONDAY, 18),  # 17:30 + 30 min: inside
    "mon_1800+": lambda: local(MONDAY, 18, 0, 0, 1),
    "mon_0000": lambda: local(MONDAY, 0),  # window_odd opens 00:10:30 → 00:10 − 30 min, the day before
    "mon_0930": lambda: local(MONDAY, 9, 30, 10),  # window_odd opens 10:00:45: seconds dropped, so inside
    "sun_10": lambda: local(SUNDAY, 10),
    "soon": lambda: timezone.now() + timedelta(minutes=4),
    "future": lambda: timezone.now() + timedelta(minutes=10),
    "40_days_ago": lambda: timezone.now() - timedelta(days=40),
}
TARGETS = [
    "window_a",
    "window_b",  # duty roster
    "window_odd",  # odd hours
    "unit",
    "unit_and_window",
    "window_and_staff",
    "none",
    "record_a",
    "record_b",  # no staff: the duty roster of its window
    "record_c",  # no window
    "record_a_window_b",
]
RECORD_TARGETS = {"record_a": "a", "record_b": "b", "record_c": "c", "record_a_window_b": "a"}


@dataclass(frozen=True)
class Case:
    target: str = "window_a"
    channel: Channel = Channel.QR
    scale: Scale = Scale.FIVE
    level: Any = 5
    kind: str = "first"  # "first", "follow_up", "follow_up_given" (follows passed in, as the device API does)
    stage: str = ""
    first_exists: bool = False
    first_stage: str | None = None  # the stage of that first rating, if not the same
    tags: tuple[str, ...] = ()
    tag_version: str = "2020"
    dimensions: dict[str, Any] = field(default_factory=dict)
    comment: str = ""
    phone: str = ""
    device: str = ""
    rated_at: str = "mon_10"  # inside the posted hours of window_a and window_b
    historical: bool = False
    is_default: bool = False
    # state before the rating
    device_recent: int = 0  # ratings from DEVICE in the last 10 minutes (and one older)
    phone_today: int = 0  # ratings giving CITIZEN in the last day
    phone_month: int = 0  # … 10 days ago
    phone_history_records: bool = False  # those ratings were of records (else of windows)


@dataclass
class Extra:
    records: dict[str, ServiceRecord]
    window_odd: Window


@pytest.fixture
def extra(world: Any, settings: Any) -> Extra:
    settings.PINGYI_RATINGS = {**settings.PINGYI_RATINGS, **LIMITS}

    def record(key: str, **kwargs: Any) -> ServiceRecord:
        r = ServiceRecord(
            district=world.district,
            record_no=f"2026-{key}",
            received_at=timezone.now() - timedelta(days=50),
            source=ServiceRecord.Source.MANUAL,
            **kwargs,
        )
        r.set_phone(CITIZEN if key == "a" else OTHER_PHONE if key == "b" else "")
        r.save()
        return r

    records = {
        "a": record("a", unit=world.unit_a, window=world.window_a, staff=world.staff_a, item=world.item_a),
        "b": record("b", unit=world.unit_b, window=world.window_b),
        "c": record("c", unit=world.unit_b),
    }
    window_odd = Window.objects.create(hall=world.hall, unit=world.unit_sub, code="099", name="夜间窗口")
    WindowHours.objects.create(window=window_odd, weekday=0, opens=time(0, 10, 30), closes=time(1, 0))
    WindowHours.objects.create(window=window_odd, weekday=0, opens=time(10, 0, 45), closes=time(11, 0))
    now = timezone.now()
    for starts, ends, staff in [
        (now - timedelta(hours=1), now + timedelta(hours=1), world.staff_b),
        (local(MONDAY, 8), local(MONDAY, 18), world.staff_b),
        (local(MONDAY, 9), local(MONDAY, 12), world.staff_a),  # overlaps: the later start wins
    ]:
        DutyShift.objects.create(window=world.window_b, staff=staff, starts_at=starts, ends_at=ends)
    StaffDevice.objects.create(user=world.users["clerk"], device_fp=STAFF_DEVICE)
    return Extra(records, window_odd)


def seed(case: Case, world: Any, extra: Extra) -> None:
    """The ratings that exist before this one: history of the device and the phone, the record's first rating."""
    now = timezone.now()
    units = [world.unit_a, world.unit_b, world.unit_sub]
    records = [extra.records["a"], extra.records["b"], extra.records["c"]]
    rows: list[Rating] = []

    def prior(received: datetime, rated: datetime | None = None, **kwargs: Any) -> Rating:
        r = Rating(
            district=world.district,
            unit=kwargs.pop("unit", world.unit_a),
            channel=Channel.QR,
            scale=Scale.FIVE,
            level=5,
            level5=5,
            negative=False,
            rated_at=rated or received,
            received_at=received,
            **kwargs,
        )
        rows.append(r)
        return r

    for n in range(case.device_recent):
        prior(now - timedelta(minutes=1 + n), device_fp=DEVICE)
    prior(now - timedelta(minutes=20), device_fp=DEVICE)
    for n, ago in enumerate(
        [timedelta(hours=2)] * case.phone_today + [timedelta(days=10)] * case.phone_month
    ):
        r = prior(
            now - ago,
            unit=units[n % 3],
            record=records[n % 3] if case.phone_history_records else None,
            kind="follow_up" if case.phone_history_records else "first",
        )
        r.set_phone(CITIZEN)
    old = prior(now - timedelta(days=45))
    old.set_phone(CITIZEN)
    Rating.objects.bulk_create(rows)
    key = RECORD_TARGETS.get(case.target)
    if case.first_exists and key:
        prior(
            now - timedelta(hours=3),
            record=extra.records[key],
            stage=case.stage if case.first_stage is None else case.first_stage,
            kind="first",
        )
        Rating.objects.bulk_create(rows[-1:])


def make_input(case: Case, world: Any, extra: Extra, rated_at: datetime | None) -> RatingInput:
    t = case.target
    record = extra.records[RECORD_TARGETS[t]] if t in RECORD_TARGETS else None
    window = {
        "window_a": world.window_a,
        "window_b": world.window_b,
        "window_odd": extra.window_odd,
        "unit_and_window": world.window_a,
        "window_and_staff": world.window_b,
        "record_a_window_b": world.window_b,
    }.get(t)
    follows = None
    if case.kind == "follow_up_given" and record is not None:
        follows = Rating.objects.filter(record=record, kind="first").order_by("id").first()
    return RatingInput(
        channel=case.channel,
        scale=case.scale,
        level=case.level,
        unit={"unit": world.unit_a, "unit_and_window": world.unit_b}.get(t),
        window=window,
        record=record,
        staff=world.staff_a if t == "window_and_staff" else None,
        stage=case.stage,
        kind="first" if case.kind == "first" else "follow_up",
        follows=follows,
        tags=list(case.tags),
        tag_version=case.tag_version,
        dimensions=dict(case.dimensions),
        comment=case.comment,
        phone=case.phone,
        rated_at=rated_at,
        device_fp=case.device,
        network_fp="n" * 64 if case.device else "",
        entered_by=world.users["operator"] if case.channel == Channel.PHONE else None,
        external_ref="ext-" + "x" * 70 if case.historical else "",
        is_default=case.is_default,
        historical=case.historical,
    )


def stored(rating: Rating, data_rated_at: datetime | None) -> dict[str, Any]:
    row = Rating.objects.filter(pk=rating.pk).values().get()
    # What the service returns is what it stored.
    for name in ("district_id", "unit_id", "window_id", "staff_id", "follows_id", "flags", "tracking_code"):
        assert getattr(rating, name) == row[name], name
    assert (
        rating.tags == row["tags"]
        and rating.level5 == row["level5"]
        and rating.phone_index == row["phone_index"]
    )
    row.pop("id")
    row.pop("received_at")
    row["tracking_code"] = row["tracking_code"] is not None and len(row["tracking_code"]) == 10
    row["phone_ciphertext"] = crypto.decrypt(row["phone_ciphertext"])
    if data_rated_at is None:
        assert abs(row["rated_at"] - timezone.now()) < timedelta(seconds=30)
        row["rated_at"] = "now"
    return row


def outcome(
    submit: Callable[[RatingInput], Rating], case: Case, world: Any, extra: Extra, at: datetime | None
) -> tuple[Any, ...]:
    """Submit inside a transaction that is rolled back, so that the other path starts from the same state."""
    with transaction.atomic():
        data = make_input(case, world, extra, at)
        rated_at = data.rated_at
        try:
            rating = submit(data)
        except (InvalidRating, RateLimited, AlreadyRated) as exc:
            result: tuple[Any, ...] = ("error", type(exc).__name__, exc.message, exc.field)
        else:
            result = ("ok", stored(rating, rated_at))
        transaction.set_rollback(True)
    return result


def both(case: Case, world: Any, extra: Extra, expect: Callable[..., None] | None = None) -> tuple[Any, ...]:
    with transaction.atomic():
        seed(case, world, extra)
        at = RATED_AT[case.rated_at]()  # one time for both paths
        portable = outcome(rating_submit, case, world, extra, at)
        fast = outcome(rating_submit_fast, case, world, extra, at)
        assert fast == portable
        if expect is not None:
            expect(portable, world)
        transaction.set_rollback(True)
    return portable


def ok(*flags: str, **fields: Any) -> Callable[[tuple[Any, ...], Any], None]:
    def check(result: tuple[Any, ...], world: Any) -> None:
        assert result[0] == "ok", result
        row = result[1]
        assert sorted(row["flags"]) == sorted(flags), row["flags"]
        for name, value in fields.items():
            expected = value(world) if callable(value) else value
            assert row[name] == expected, (name, row[name], expected)

    return check


def error(cls: type, field: str, contains: str = "") -> Callable[[tuple[Any, ...], Any], None]:
    def check(result: tuple[Any, ...], world: Any) -> None:
        assert result[:2] == ("error", cls.__name__) and result[3] == field, result
        assert contains in result[2]

    return check


CASES: dict[str, tuple[Case, Callable[[tuple[Any, ...], Any], None]]] = {
    "qr at a window": (Case(), ok()),
    "mobile, now": (Case(channel=Channel.MOBILE, rated_at="now"), ok()),
    "negative, three-level, tags of its level": (
        Case(scale=Scale.THREE, level=1, tags=("108", " 209 ", "108", " ")),
        ok(tracking_code=True, tags=["108", "209"], level5=2, negative=True),
    ),
    "is_default: no tracking code": (Case(level=1, is_default=True), ok(tracking_code=False)),
    "dimensions and comment": (
        Case(dimensions={"overall": "4", "attitude": 5}, comment="  很好\x00 "),
        ok(dimensions={"overall": 4, "attitude": 5}, comment="很好"),
    ),
    "level outside the scale": (Case(scale=Scale.THREE, level=5), error(InvalidRating, "level")),
    "level not a number": (Case(level="x"), error(InvalidRating, "level")),
    "unknown tag": (Case(tags=("510", "999")), error(InvalidRating, "tags", "999")),
    "tag of another level": (Case(level=5, tags=("108",)), error(InvalidRating, "tags", "不属于")),
    "tag of another version": (
        Case(level=1, tags=("108",), tag_version="2019"),
        error(InvalidRating, "tags"),
    ),
    "bad tag before a long comment": (
        Case(tags=("999",), comment="长" * 501),
        error(InvalidRating, "tags", "999"),
    ),
    "good tag and a long comment": (Case(tags=("510",), comment="长" * 501), error(InvalidRating, "comment")),
    "bad dimension": (Case(dimensions={"overall": 6}), error(InvalidRating, "dimensions")),
    "bad phone": (Case(phone="12ab"), error(InvalidRating, "phone")),
    "no target": (Case(target="none"), error(InvalidRating, "target")),
    "in the future": (Case(rated_at="future"), error(InvalidRating, "rated_at")),
    "four minutes ahead is fine": (Case(rated_at="soon", channel=Channel.MOBILE), ok()),
    "duty roster now": (
        Case(target="window_b", rated_at="now", channel=Channel.MOBILE),
        ok(staff_id=lambda w: w.staff_b.pk),
    ),
    "duty roster at rated_at, latest shift": (
        Case(target="window_b", rated_at="mon_10"),
        ok(staff_id=lambda w: w.staff_a.pk),
    ),
    "nobody on duty": (Case(target="window_b", rated_at="sun_10"), ok("outside_hours", staff_id=None)),
    "explicit staff beats the roster": (Case(target="window_and_staff"), ok(staff_id=lambda w: w.staff_a.pk)),
    "unit without window": (Case(target="unit", channel=Channel.PHONE), ok(window_id=None, staff_id=None)),
    "explicit unit beats the window's": (Case(target="unit_and_window"), ok(unit_id=lambda w: w.unit_b.pk)),
    "staff phone": (Case(phone="+86 138-0000-1111"), ok("staff_phone")),
    "staff phone of another district": (Case(phone=STAFF_OTHER_PHONE), ok()),
    "staff device": (Case(device=STAFF_DEVICE), ok("staff_device")),
    "burst": (Case(device=DEVICE, device_recent=2), ok("burst")),
    "below burst": (Case(device=DEVICE, device_recent=1), ok()),
    "device limit": (Case(device=DEVICE, device_recent=4), error(RateLimited, "", "频繁")),
    "historical: no device limit, no burst, no hours": (
        Case(device=DEVICE, device_recent=6, historical=True, rated_at="mon_20"),
        ok(external_ref="ext-" + "x" * 60),
    ),
    "phone limit": (Case(phone=CITIZEN, phone_today=4), error(RateLimited, "", "手机号")),
    "device limit before phone limit": (
        Case(phone=CITIZEN, phone_today=4, device=DEVICE, device_recent=4),
        error(RateLimited, "", "频繁"),
    ),
    "historical: no phone limit, still phone_many": (
        Case(phone=CITIZEN, phone_today=4, historical=True),
        ok("phone_many"),
    ),
    "phone_many by units": (
        Case(phone=CITIZEN, phone_today=2, target="window_odd", rated_at="mon_0000"),
        ok("phone_many"),
    ),
    "phone seen in this unit: not many": (Case(phone=CITIZEN, phone_today=2), ok()),
    "phone_many by records": (
        Case(
            phone=CITIZEN,
            phone_month=2,
            phone_history_records=True,
            target="record_c",
            kind="follow_up",
            first_exists=True,
            stage="finished",
        ),
        ok("phone_many"),
    ),
    "phone history counted from rated_at": (
        Case(phone=CITIZEN, phone_month=3, rated_at="40_days_ago", channel=Channel.MOBILE),
        ok("phone_many"),
    ),
    "phone history of 10 days": (Case(phone=CITIZEN, phone_month=2), ok()),
    "phone differs from the record's": (
        Case(target="record_a", phone=OTHER_PHONE),
        ok("phone_differs_from_record"),
    ),
    "phone as the record's": (Case(target="record_a", phone=CITIZEN), ok()),
    "outside hours": (Case(rated_at="mon_20"), ok("outside_hours")),
    "outside hours, pad": (Case(rated_at="mon_20", channel=Channel.PAD), ok("outside_hours")),
    "outside hours does not apply to mobile": (Case(rated_at="mon_20", channel=Channel.MOBILE), ok()),
    "grace: 08:00 inside": (Case(rated_at="mon_0800"), ok()),
    "grace: 07:59:59.999999 outside": (Case(rated_at="mon_0759"), ok("outside_hours")),
    "grace: 18:00 inside": (Case(rated_at="mon_1800"), ok()),
    "grace: 18:00:00.000001 outside": (Case(rated_at="mon_1800+"), ok("outside_hours")),
    "sunday": (Case(rated_at="sun_10"), ok("outside_hours")),
    "grace across midnight": (Case(target="window_odd", rated_at="mon_0000"), ok()),
    "seconds of opening time ignored": (Case(target="window_odd", rated_at="mon_0930"), ok()),
    "odd window, between sessions": (Case(target="window_odd", rated_at="mon_20"), ok("outside_hours")),
    "record: its unit, window, staff, item": (
        Case(target="record_a", channel=Channel.MOBILE, stage="finished"),
        ok(staff_id=lambda w: w.staff_a.pk, item_id=lambda w: w.item_a.pk),
    ),
    "record without staff: roster of its window": (
        Case(target="record_b", channel=Channel.SMS, stage="finished", rated_at="now"),
        ok(staff_id=lambda w: w.staff_b.pk),
    ),
    "record without window": (Case(target="record_c", channel=Channel.SMS), ok(window_id=None)),
    "record with another window": (Case(target="record_a_window_b", channel=Channel.PAD), ok()),
    "duplicate first rating": (
        Case(target="record_a", stage="finished", first_exists=True),
        error(AlreadyRated, ""),
    ),
    "first rating of another stage": (
        Case(target="record_a", stage="accepted", first_exists=True, first_stage="finished"),
        ok(),
    ),
    "follow-up": (
        Case(target="record_a", stage="finished", first_exists=True, kind="follow_up"),
        ok(kind="follow_up", follows_id=lambda w: Rating.objects.get(kind="first", stage="finished").pk),
    ),
    "follow-up given": (
        Case(target="record_b", stage="finished", first_exists=True, kind="follow_up_given"),
        ok(),
    ),
    "follow-up without a first rating": (
        Case(target="record_a", stage="finished", kind="follow_up"),
        error(InvalidRating, "kind"),
    ),
    "follow-up without first, over the device limit": (
        Case(target="record_a", kind="follow_up", device=DEVICE, device_recent=5),
        error(InvalidRating, "kind"),
    ),
    "follow-up of a window: no lookup": (Case(kind="follow_up"), ok(follows_id=None)),
    "everything flagged": (
        Case(
            target="record_a",
            phone=STAFF_A_PHONE,
            device=STAFF_DEVICE,
            rated_at="mon_20",
            channel=Channel.PAD,
            phone_today=0,
        ),
        ok("staff_phone", "staff_device", "phone_differs_from_record", "outside_hours"),
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_both_paths_agree_on_named_cases(name: str, world: Any, extra: Extra) -> None:
    case, expect = CASES[name]
    both(case, world, extra, expect)


CASE_STRATEGY = st.builds(
    Case,
    target=st.sampled_from(TARGETS),
    channel=st.sampled_from([Channel.QR, Channel.PAD, Channel.MOBILE, Channel.SMS, Channel.PHONE]),
    scale=st.sampled_from([Scale.FIVE, Scale.THREE]),
    # weighted towards valid answers, so that most examples reach the database
    level=st.sampled_from([1, 2, 3, 1, 2, 3, 4, 5, 0, "3"]),
    kind=st.sampled_from(["first", "first", "follow_up", "follow_up_given"]),
    stage=st.sampled_from(["", "finished", "accepted"]),
    first_exists=st.booleans(),
    first_stage=st.sampled_from([None, None, "finished"]),
    tags=st.one_of(
        st.just(()),
        st.lists(
            st.sampled_from(["108", "209", "307", "406", "510", "101", "999", " 510", ""]), max_size=3
        ).map(tuple),
    ),
    tag_version=st.sampled_from(["2020", "2020", "2019"]),
    dimensions=st.one_of(
        st.just({}),
        st.dictionaries(
            st.sampled_from(["overall", "attitude", "speed"]),
            st.sampled_from([1, 5, 0, "4", "x"]),
            max_size=2,
        ),
    ),
    comment=st.sampled_from(["", "", "好", " 慢\x00 ", "长" * 501]),
    phone=st.sampled_from(
        ["", CITIZEN, CITIZEN, OTHER_PHONE, STAFF_A_PHONE, STAFF_OTHER_PHONE, "0086 13812345678", "1"]
    ),
    device=st.sampled_from(["", DEVICE, DEVICE, STAFF_DEVICE]),
    rated_at=st.sampled_from(list(RATED_AT)),
    historical=st.booleans(),
    is_default=st.booleans(),
    device_recent=st.integers(0, 5),
    phone_today=st.integers(0, 5),
    phone_month=st.integers(0, 3),
    phone_history_records=st.booleans(),
)


@hsettings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=CASE_STRATEGY)
def test_both_paths_agree_on_random_cases(case: Case, world: Any, extra: Extra) -> None:
    result = both(case, world, extra)
    if result[0] == "ok":
        event("stored")
        for flag in result[1]["flags"]:
            event(f"flag {flag}")
    else:
        event(f"{result[1]} {result[3]}")


@pytest.mark.django_db(transaction=True)
def test_autocommit_one_statement_and_duplicates(world: Any, extra: Extra) -> None:
    """Outside a transaction (as in a request): no savepoint, one statement; a duplicate leaves the connection usable."""
    assert not connection.in_atomic_block
    first = rating_submit_fast(
        RatingInput(
            channel=Channel.PAD, scale=Scale.FIVE, level=2, record=extra.records["a"], stage="finished"
        )
    )
    with pytest.raises(AlreadyRated):
        rating_submit(
            RatingInput(
                channel=Channel.PAD, scale=Scale.FIVE, level=4, record=extra.records["a"], stage="finished"
            )
        )
    with pytest.raises(AlreadyRated):
        rating_submit_fast(
            RatingInput(
                channel=Channel.PAD, scale=Scale.FIVE, level=4, record=extra.records["a"], stage="finished"
            )
        )
    portable = rating_submit(
        RatingInput(
            channel=Channel.PAD, scale=Scale.FIVE, level=2, record=extra.records["b"], stage="finished"
        )
    )
    rows = {r["record_id"]: r for r in Rating.objects.values()}
    assert len(rows) == 2 and first.pk in {r["id"] for r in rows.values()}
    a, b = rows[extra.records["a"].pk], rows[extra.records["b"].pk]
    assert a["tracking_code"] and b["tracking_code"] and a["rated_at"] != b["rated_at"]
    differ = {
        "id",
        "record_id",
        "received_at",
        "tracking_code",
        "rated_at",
        "unit_id",
        "window_id",
        "staff_id",
    }
    differ |= {"item_id", "phone_ciphertext", "phone_index", "phone_masked"}
    assert {k: v for k, v in a.items() if k not in differ} == {k: v for k, v in b.items() if k not in differ}
    assert a["staff_id"] == world.staff_a.pk and b["staff_id"] == world.staff_b.pk  # b: its window's roster
    assert portable.pk == b["id"]


def test_refusal_stores_nothing_and_one_statement_is_sent(world: Any, extra: Extra) -> None:
    from django.test.utils import CaptureQueriesContext

    data = dict(channel=Channel.QR, scale=Scale.FIVE, level=5, window=world.window_a, device_fp=DEVICE)
    with transaction.atomic():
        seed(Case(device_recent=4), world, extra)
        before = Rating.objects.count()
        with CaptureQueriesContext(connection) as queries:
            with pytest.raises(RateLimited):
                rating_submit_fast(RatingInput(**data))
        assert Rating.objects.count() == before
        # (a prepared statement is logged without its text)
        sent = [
            q["sql"]
            for q in queries.captured_queries
            if not (q["sql"] or "").startswith(("SAVEPOINT", "RELEASE"))
        ]
        assert len(sent) == 1
        transaction.set_rollback(True)


def test_every_rating_column_is_written() -> None:
    text = statement()
    for f in Rating._meta.concrete_fields:
        if not f.primary_key:
            assert f'"{f.column}"' in text
