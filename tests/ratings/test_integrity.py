"""Integrity of ratings: append-only at the database, daily seals in the audit chain, flags and limits at the door."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client, RequestFactory
from django.utils import timezone
from helpers_files import LiveDatabase

from pingyi.audit.models import AuditEntry
from pingyi.audit.selectors import chain_verify
from pingyi.ledger.models import ServiceRecord
from pingyi.lib.scales import Channel, Scale
from pingyi.ratings.errors import RateLimited
from pingyi.ratings.fingerprints import DEVICE_COOKIE, device_fingerprint
from pingyi.ratings.intake import RatingInput, rating_submit
from pingyi.ratings.models import DailySeal, Rating, StaffDevice
from pingyi.ratings.seals.services import (
    EMPTY_DIGEST,
    SCHEDULE_NAME,
    SealError,
    day_digest,
    ensure_schedules,
    seal_day,
    seal_pending,
    seals_verify,
)

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger is PostgreSQL's"
)
TRIGGER = "ratings_rating_append_only"
PASSWORD = "correct-horse-battery"


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_default_timezone())


def last_weekday(before: date, weekday: int) -> date:
    """The latest date strictly before ``before`` falling on ``weekday`` (0 = Monday)."""
    day = before - timedelta(days=1)
    while day.weekday() != weekday:
        day -= timedelta(days=1)
    return day


def today() -> date:
    """Read at use, never at import: a suite that runs over local midnight must not test yesterday as today."""
    return timezone.localdate()


MONDAY = last_weekday(today(), 0)  # past days stay past however long the suite runs
SUNDAY = last_weekday(today(), 6)


def behind_the_back(sql: str, *params: Any) -> None:
    """Change ratings as someone with database access could: on PostgreSQL the trigger is switched off first."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Inside a test's transaction, deferred foreign-key checks would block ALTER TABLE: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE ratings_rating DISABLE TRIGGER {TRIGGER}")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE ratings_rating ENABLE TRIGGER {TRIGGER}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def rate(world: Any, **kwargs: Any) -> Rating:
    data = {"channel": Channel.QR, "scale": Scale.FIVE, "level": 5, "window": world.window_a, **kwargs}
    return rating_submit(RatingInput(**data))


def received_on(ratings: list[Rating], day: date) -> None:
    """Back-date when ratings were received (auto_now_add stamps "now"), to build a finished day to seal."""
    for n, rating in enumerate(ratings):
        behind_the_back(
            "UPDATE ratings_rating SET received_at = %s WHERE id = %s",
            connection.ops.adapt_datetimefield_value(local(day, 10, n)),
            rating.pk,
        )


def a_day_of_ratings(world: Any, day: date, n: int = 5) -> list[Rating]:
    ratings = [rate(world, level=1 + i % 5, rated_at=local(day, 10, i)) for i in range(n)]
    received_on(ratings, day)
    return ratings


# --- sealing -----------------------------------------------------------------------------------------------------


def test_sealing_a_day_stores_its_digest_and_writes_one_audit_entry(world):
    a_day_of_ratings(world, MONDAY)
    rate(world)  # received today: not part of Monday
    entries = AuditEntry.objects.count()
    seal = seal_day(MONDAY)
    assert AuditEntry.objects.count() == entries + 1
    entry = AuditEntry.objects.get(seq=seal.audit_seq)
    assert entry.action == "ratings.seal"
    assert entry.after == {"day": MONDAY.isoformat(), "count": 5, "digest": seal.digest}
    assert (seal.count, seal.digest) == (5, day_digest(MONDAY).digest) and len(seal.digest) == 64
    assert chain_verify().ok and seals_verify().ok and seals_verify().days == 1


def test_a_day_is_sealed_only_once_and_only_when_it_is_over(world):
    a_day_of_ratings(world, MONDAY, 2)
    for day in (today(), today() + timedelta(days=3)):
        with pytest.raises(SealError, match="not over yet"):
            seal_day(day)
    seal_day(MONDAY)
    entries = AuditEntry.objects.count()
    with pytest.raises(SealError, match="already sealed"):
        seal_day(MONDAY)
    assert AuditEntry.objects.count() == entries and DailySeal.objects.count() == 1


def test_pending_days_are_sealed_empty_ones_included(world):
    now = today()
    first = now - timedelta(days=4)
    a_day_of_ratings(world, first, 2)
    a_day_of_ratings(world, now - timedelta(days=2), 3)
    rate(world)  # today's rating waits for tomorrow
    assert seal_pending() == [(first + timedelta(days=n)).isoformat() for n in range(4)]
    counts = dict(DailySeal.objects.values_list("day", "count"))
    assert counts == {
        first: 2,
        first + timedelta(days=1): 0,
        first + timedelta(days=2): 3,
        now - timedelta(days=1): 0,
    }
    assert DailySeal.objects.get(day=first + timedelta(days=1)).digest == EMPTY_DIGEST
    assert seal_pending() == []
    assert seals_verify().days == 4


def test_verification_trusts_the_chain_not_the_seal_table(world):
    a_day_of_ratings(world, MONDAY, 3)
    seal_day(MONDAY)
    DailySeal.objects.filter(day=MONDAY).update(count=99, digest="0" * 64)  # the copy is not evidence
    assert seals_verify().ok


def test_the_daily_schedule_is_created_once(world):
    from django_q.models import Schedule

    ensure_schedules()
    ensure_schedules()
    schedule = Schedule.objects.get(name=SCHEDULE_NAME)
    assert schedule.func == "pingyi.ratings.seals.seal_pending" and schedule.schedule_type == Schedule.DAILY
    assert timezone.localtime(schedule.next_run).time() == time(0, 10)
    assert Schedule.objects.filter(name=SCHEDULE_NAME).count() == 1


# --- `pingyi audit verify` and `pingyi ratings seal`, as real subprocesses ---------------------------------------


@pytest.fixture
def sealed(transactional_db: Any, world: Any, tmp_path: Path) -> tuple[LiveDatabase, list[Rating]]:
    ratings = a_day_of_ratings(world, MONDAY, 5)
    a_day_of_ratings(world, MONDAY - timedelta(days=1), 2)
    seal_day(MONDAY - timedelta(days=1))
    seal_day(MONDAY)
    return LiveDatabase(tmp_path), ratings


def test_verify_reports_intact_seals(sealed):
    live, _ = sealed
    result = live.pingyi("audit", "verify")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines == [
        f"audit chain intact: {AuditEntry.objects.count()} entries verified",
        "ratings: 2 days sealed and intact",
    ]


def test_verify_names_the_day_of_an_edited_rating(sealed):
    live, ratings = sealed
    behind_the_back("UPDATE ratings_rating SET level = 5, level5 = 5 WHERE id = %s", ratings[0].pk)
    result = live.pingyi("audit", "verify")
    assert result.returncode == 1
    assert f"ratings seal BROKEN for day {MONDAY}: digest differs" in result.stderr


def test_verify_names_the_day_of_a_deleted_rating(sealed):
    live, ratings = sealed
    behind_the_back("DELETE FROM ratings_rating WHERE id = %s", ratings[2].pk)
    result = live.pingyi("audit", "verify")
    assert result.returncode == 1
    assert f"ratings seal BROKEN for day {MONDAY}: count differs: 5 ratings sealed" in result.stderr
    assert "4 now (deleted afterwards)" in result.stderr


def test_verify_names_the_day_a_rating_was_back_dated_into(sealed, world):
    live, _ = sealed
    forged = rate(world, level=5, rated_at=local(MONDAY - timedelta(days=1), 15))
    received_on([forged], MONDAY - timedelta(days=1))
    result = live.pingyi("audit", "verify")
    assert result.returncode == 1
    day = MONDAY - timedelta(days=1)
    assert f"ratings seal BROKEN for day {day}: count differs: 2 ratings sealed" in result.stderr
    assert "3 now (inserted afterwards)" in result.stderr


def test_verify_reports_a_broken_chain_before_the_seals(sealed):
    live, _ = sealed
    seq = DailySeal.objects.get(day=MONDAY).audit_seq
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_auditentry_append_only")
        cursor.execute("UPDATE audit_auditentry SET object_repr = 'x' WHERE seq = %s", [seq])
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_auditentry_append_only")
    result = live.pingyi("audit", "verify")
    assert result.returncode == 1 and f"audit chain BROKEN at entry #{seq}" in result.stderr
    assert "ratings seal" not in result.stderr


def test_the_seal_command(transactional_db, world, tmp_path):
    a_day_of_ratings(world, MONDAY, 3)
    live = LiveDatabase(tmp_path)
    result = live.pingyi("ratings", "seal", "--date", MONDAY.isoformat())
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"sealed {MONDAY}: 3 ratings, digest ")
    tomorrow = today() + timedelta(days=1)  # never over, even if local midnight passes during the test
    refused = live.pingyi("ratings", "seal", "--date", tomorrow.isoformat())
    assert refused.returncode != 0 and "not over yet" in refused.stderr
    again = live.pingyi("ratings", "seal")
    assert again.returncode == 0 and DailySeal.objects.filter(day=MONDAY).count() == 1
    assert live.pingyi("audit", "verify").returncode == 0


# --- append-only -------------------------------------------------------------------------------------------------


@postgres_only
def test_postgres_refuses_update_and_delete_of_a_rating(world):
    rating = rate(world)
    attempts = [
        lambda: Rating.objects.filter(pk=rating.pk).update(level=1),
        lambda: Rating.objects.filter(pk=rating.pk).delete(),
        lambda: rating.save(),
        lambda: connection.cursor().execute("UPDATE ratings_rating SET level = 1"),
        lambda: connection.cursor().execute("DELETE FROM ratings_rating"),
    ]
    for attempt in attempts:
        with pytest.raises(DatabaseError, match="ratings are append-only"), transaction.atomic():
            attempt()
    assert Rating.objects.get(pk=rating.pk).level == 5


def test_no_code_edits_or_deletes_a_rating():
    """Ratings are written by rating_submit's one INSERT; nothing in the application saves, updates or deletes one."""
    root = Path(__file__).resolve().parents[2] / "pingyi"
    pattern = re.compile(r"Rating\.objects[^\n]*\.(update|delete)\(|\brating\.(save|delete)\(")
    offenders = []
    for path in root.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        offenders += [f"{path}: {m.group(0)}" for m in pattern.finditer(text)]
    allowed = {"orm.py: rating.save("}  # the insert itself
    assert [o for o in offenders if not any(o.endswith(a) for a in allowed)] == []


# --- flags: stored and marked ------------------------------------------------------------------------------------


def stored_flags(rating: Rating) -> list[str]:
    return Rating.objects.get(pk=rating.pk).flags


def test_a_clean_rating_is_not_flagged(world):
    rating = rate(world, phone="13512345678", rated_at=local(MONDAY, 10), device_fp="citizen-browser")
    assert stored_flags(rating) == []


def test_a_staff_phone_is_flagged(world):
    rating = rate(world, phone="13800001111", rated_at=local(MONDAY, 10))
    assert stored_flags(rating) == ["staff_phone"]


def test_ratings_outside_office_hours_are_flagged(world):
    for at in (local(SUNDAY, 10), local(MONDAY, 22), local(MONDAY, 7, 50)):
        assert "outside_hours" in stored_flags(rate(world, rated_at=at))
    for at in (local(MONDAY, 10), local(MONDAY, 8, 10), local(MONDAY, 17, 55)):  # within the 30-minute grace
        assert "outside_hours" not in stored_flags(rate(world, rated_at=at))


def test_a_burst_from_one_fingerprint_is_flagged(world):
    ratings = [rate(world, device_fp="one-phone", rated_at=local(MONDAY, 10)) for _ in range(5)]
    assert [stored_flags(r) for r in ratings] == [[], [], [], ["burst"], ["burst"]]
    assert Rating.objects.count() == 5


def test_one_phone_across_units_is_flagged(world):
    """The rating that reaches phone_units_30d (3) distinct units, its own included, is flagged."""
    windows = [world.window_a, world.window_b, world.window_sub, world.window_other]
    ratings = [rate(world, window=w, phone="13612345678", rated_at=local(MONDAY, 10)) for w in windows]
    assert [stored_flags(r) for r in ratings] == [[], [], ["phone_many"], ["phone_many"]]
    again = rate(world, window=world.window_a, phone="13612345679", rated_at=local(MONDAY, 10))
    assert stored_flags(again) == []  # another phone, once: clean


def test_one_phone_across_records_is_flagged(world):
    records = [
        ServiceRecord.objects.create(
            district=world.district,
            unit=world.unit_a,
            window=world.window_a,
            record_no=f"2026-{n:04d}",
            received_at=local(MONDAY, 9),
            source=ServiceRecord.Source.MANUAL,
        )
        for n in range(5)
    ]
    ratings = [
        rate(world, record=r, stage="finished", phone="13612345678", rated_at=local(MONDAY, 10))
        for r in records
    ]
    assert [stored_flags(r) for r in ratings] == [[], [], [], [], ["phone_many"]]


def test_a_device_a_staff_member_signed_in_with_is_flagged(world):
    browser = Client()
    assert browser.get("/login/").status_code == 200
    cookie = browser.cookies[DEVICE_COOKIE].value
    response = browser.post("/login/", {"username": "clerk", "password": PASSWORD})
    assert response.status_code == 302
    assert browser.cookies[DEVICE_COOKIE].value == cookie  # the login page set it; signing in keeps it
    # The same browser later opens the rating page: same cookie, same fingerprint.
    request = RequestFactory().get("/r/anything", HTTP_USER_AGENT="Mozilla/5.0")
    request.COOKIES[DEVICE_COOKIE] = cookie
    fp = device_fingerprint(request)
    assert StaffDevice.objects.filter(user=world.users["clerk"], device_fp=fp).exists()
    assert "staff_device" in stored_flags(rate(world, device_fp=fp, rated_at=local(MONDAY, 10)))
    other = RequestFactory().get("/r/anything")
    other.COOKIES[DEVICE_COOKIE] = "f" * 32
    assert stored_flags(rate(world, device_fp=device_fingerprint(other), rated_at=local(MONDAY, 10))) == []


def test_a_staff_device_is_audited_once_and_only_for_staff_roles(world):
    browser = Client()
    browser.get("/login/")
    for _ in range(2):
        browser.post("/login/", {"username": "unita", "password": PASSWORD})
        browser.post("/logout/")
    assert StaffDevice.objects.filter(user=world.users["unit_a"]).count() == 1
    entry = AuditEntry.objects.get(action="staff_device.record")
    assert entry.actor_label == "unita" and entry.district_id == world.district.pk
    # A browser posting straight to the form gets its cookie with the answer; the inspector's device is not kept.
    direct = Client()
    assert direct.post("/login/", {"username": "hallmgr", "password": PASSWORD}).status_code == 302
    assert DEVICE_COOKIE in direct.cookies
    assert StaffDevice.objects.filter(user=world.users["hall_manager"]).count() == 1
    Client().post("/login/", {"username": "inspector", "password": PASSWORD})
    assert not StaffDevice.objects.filter(user=world.users["inspector"]).exists()
    Client().post("/login/", {"username": "clerk", "password": "wrong-password"})
    assert not StaffDevice.objects.filter(user=world.users["clerk"]).exists()
    assert chain_verify().ok


# --- limits: refused and not stored ------------------------------------------------------------------------------


def test_the_limit_per_fingerprint_refuses_and_stores_nothing(world, settings):
    limit = settings.PINGYI_RATINGS["limit_per_device_10min"]
    for _ in range(limit):
        rate(world, device_fp="flooding-phone")
    with pytest.raises(RateLimited, match="过于频繁"):
        rate(world, device_fp="flooding-phone")
    assert Rating.objects.count() == limit
    rate(world, device_fp="another-phone")  # others are not affected


def test_the_limit_per_phone_refuses_and_stores_nothing(world, settings):
    limit = settings.PINGYI_RATINGS["limit_per_phone_day"]
    for n in range(limit):
        rate(world, phone="13712345678", device_fp=f"browser-{n}")
    with pytest.raises(RateLimited, match="今日评价次数已达上限"):
        rate(world, phone="13712345678", device_fp="browser-new")
    assert Rating.objects.count() == limit
