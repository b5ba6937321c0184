"""Each anomaly type: a planted case it must find and clean look-alikes it must not (busy days, a new window, a
genuinely excellent unit, a 调休 Saturday). The same tests run on SQLite and PostgreSQL (the SQL differs in a few
dialect fragments only)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from pingyi.oversight.models import Anomaly
from pingyi.ratings.models import StaffDevice
from tests.oversight.builders import MONTH, at, clean_hall, new_window, phone, working_days

pytestmark = pytest.mark.django_db


def found(kind: str, unit: Any = None, sub: str | None = None) -> list[Anomaly]:
    qs = Anomaly.objects.filter(kind=kind)
    if unit is not None:
        qs = qs.filter(unit=unit)
    return [a for a in qs if sub is None or a.evidence.get("sub") == sub]


def test_a_clean_hall_raises_nothing(world: Any) -> None:
    hall = clean_hall(world)
    run = hall.compare()
    assert Anomaly.objects.count() == 0
    assert run.status == "done" and all(c["found"] == 0 for c in run.counts.values() if isinstance(c, dict))


def test_under_reporting_unit_that_stopped_entering(world: Any) -> None:
    hall = clean_hall(world, months=(date(2026, 6, 1), date(2026, 8, 31)))
    quiet, busy = hall.units[2], hall.units[3]
    for unit in hall.units:
        for day in working_days(*MONTH):
            if unit == quiet:  # scans go on, records stop after the first days (物流事业发展中心)
                hall.ordinary_day(unit, day, records=4 if day.day < 4 else 0, scans=2, linked=0)
            elif unit == busy and day.day in (28, 29, 30):  # busy days before the holiday: both triple
                hall.ordinary_day(unit, day, records=12, scans=6)
            else:
                hall.ordinary_day(unit, day)
    hall.save()
    hall.compare()
    [anomaly] = found("under_reporting")
    assert anomaly.unit == quiet
    assert anomaly.evidence["records"] < anomaly.evidence["expected"] / 4
    assert anomaly.evidence["signals"] >= 40
    assert any(records == 0 and signals > 0 for _, records, signals in anomaly.evidence["daily"])


def test_under_reporting_ignores_a_new_window_with_few_scans(world: Any) -> None:
    hall = clean_hall(world)
    unit = world.unit_sub  # a unit of the sub-centre: no history, two scans a week, no records yet
    for day in working_days(*MONTH)[::3]:
        hall.rating(unit, at(day, 10), window=world.window_sub)
    hall.save()
    hall.compare()
    assert not found("under_reporting")


def test_selective_reporting_happy_linked_ratings_unhappy_scans(world: Any) -> None:
    hall = clean_hall(world, months=(date(2026, 6, 1), date(2026, 8, 31)))
    picky, excellent = hall.units[1], hall.units[4]
    for unit in hall.units:
        for day in working_days(*MONTH):
            if unit == picky:
                recs = [hall.record(unit, at(day, 9, i)) for i in range(3)]
                for rec in recs:
                    hall.rating(unit, at(day, 9, 30), channel="sms", record=rec, level5=5)
                for i in range(3):
                    hall.rating(unit, at(day, 10, i), level5=(5, 3, 3)[i])
            elif unit == excellent:  # truly excellent: every channel says 非常满意
                recs = [hall.record(unit, at(day, 9, i)) for i in range(3)]
                for rec in recs:
                    hall.rating(unit, at(day, 9, 30), channel="sms", record=rec, level5=5)
                for i in range(3):
                    hall.rating(unit, at(day, 10, i), level5=5)
            else:
                hall.ordinary_day(unit, day)
    hall.save()
    hall.compare()
    [anomaly] = found("selective_reporting")
    assert anomaly.unit == picky
    assert anomaly.evidence["linked_top_share"] == 1.0 and anomaly.evidence["qr_top_share"] < 0.4


def test_false_reporting_staff_phones_and_night_records(world: Any) -> None:
    hall = clean_hall(world)
    faker, swapped_day_unit = world.unit_b, hall.units[2]
    day = working_days(*MONTH)[3]
    for i in range(4):
        hall.record(faker, at(day, 22, i * 5), tel="13900002222")  # staff_b's phone, at 22:00
    for i in range(6):
        hall.record(faker, at(day + timedelta(days=1), 23, i))
    # 2026-09-20 is a Sunday made a working day (调休): records in office hours are normal.
    for i in range(20):
        hall.record(swapped_day_unit, at(date(2026, 9, 20), 9, i * 2))
    hall.save()
    hall.compare()
    [anomaly] = found("false_reporting")
    assert anomaly.unit == faker
    assert anomaly.evidence["staff_phone_records"] == 4
    assert anomaly.evidence["outside_hours_records"] == 10


def test_false_reporting_burst_of_records(world: Any) -> None:
    hall = clean_hall(world)
    day = working_days(*MONTH)[5]
    for i in range(18):
        hall.record(world.unit_a, at(day, 10, 0) + timedelta(seconds=20 * i))
    hall.save()
    hall.compare()
    [anomaly] = found("false_reporting")
    assert anomaly.unit == world.unit_a and anomaly.evidence["bursts"][0] >= 18


def test_rating_fraud_colleagues_rate_each_other(world: Any) -> None:
    hall = clean_hall(world)
    cheat, excellent = world.unit_a, hall.units[4]
    StaffDevice.objects.create(user=world.users["clerk"], device_fp="fp-colleague")
    days = working_days(*MONTH)
    for i, day in enumerate(days[:6]):
        hall.rating(cheat, at(day, 11), tel="13900002222", channel="mobile")  # unit_b's staff phone
        hall.rating(cheat, at(day, 15), device_fp="fp-colleague")
    for i, day in enumerate(days[:10]):
        hall.rating(cheat, at(day, 16), device_fp="fp-same-phone")  # one device, ten 非常满意
        # the excellent unit: as many top ratings, each from its own device
        hall.rating(excellent, at(day, 16), device_fp=f"fp-citizen-{i}")
    hall.save()
    hall.compare()
    [anomaly] = found("rating_fraud")
    assert anomaly.unit == cheat
    assert anomaly.evidence["staff_phone_ratings"] == 6 and anomaly.evidence["staff_device_ratings"] == 6
    assert anomaly.evidence["device_streaks"] == [10]


def test_phone_swap_callback_from_another_phone(world: Any) -> None:
    hall = clean_hall(world)
    days = working_days(*MONTH)
    for i, day in enumerate(days[:3]):
        rec = hall.record(world.unit_b, at(day, 9), tel=phone(777000 + i))
        hall.rating(world.unit_b, at(day, 15), channel="sms", record=rec, tel=phone(888000 + i))
        # look-alike: a record without a phone, rated later from a phone — nothing to swap
        bare = hall.record(world.unit_a, at(day, 9))
        hall.rating(world.unit_a, at(day, 15), channel="sms", record=bare, tel=phone(999000 + i))
        # and a normal callback from the record's own phone
        own = hall.record(world.unit_a, at(day, 10), tel=phone(555000 + i))
        hall.rating(world.unit_a, at(day, 16), channel="sms", record=own, tel=phone(555000 + i))
    hall.save()
    hall.compare()
    [anomaly] = found("phone_swap")
    assert anomaly.unit == world.unit_b and anomaly.evidence["differs_from_record"] == 3


def test_silent_window_hidden_qr_code_but_not_a_quiet_new_window(world: Any) -> None:
    hall = clean_hall(world, months=(date(2026, 6, 1), date(2026, 8, 31)))
    hidden = hall.windows[hall.units[3].pk]
    small = new_window(world, hall.units[4], "NEW")
    for unit in hall.units:
        for day in working_days(*MONTH):
            scans = 0 if unit == hall.units[3] and day.day >= 10 else 2
            hall.ordinary_day(unit, day, scans=scans)
            if unit == hall.units[4] and day.day >= 24:  # opened on the 24th, no poster yet: too new to judge
                for i in range(3):
                    hall.record(unit, at(day, 11, i), window=small)
    hall.save()
    hall.compare()
    [anomaly] = found("silent_window", sub="no_scans")
    assert anomaly.window == hidden
    assert anomaly.evidence["days"] >= 10 and anomaly.evidence["expected_scans"] >= 8
    # the daily series is the window's own: records every day of the streak, no scan
    assert (
        anomaly.evidence["daily_of"] == "window"
        and len(anomaly.evidence["daily"]) == anomaly.evidence["days"]
    )
    assert all(records > 0 and scans == 0 for _, records, scans in anomaly.evidence["daily"])


def test_silent_window_level_stopped_moving(world: Any, settings: Any) -> None:
    settings.PINGYI_OVERSIGHT = {"level_stopped_min_history": 150}
    hall = clean_hall(world, months=(date(2026, 6, 1), date(2026, 8, 31)))
    # In its history every fifth rating of unit_a is 基本满意 (level 3); in September the app "refuses" it.
    for unit in hall.units:
        for day in working_days(*MONTH):
            hall.ordinary_day(unit, day, levels=(5, 5, 4, 5, 4) if unit == world.unit_a else (5, 5, 4, 5, 3))
    hall.save()
    hall.compare()
    anomalies = found("silent_window", unit=world.unit_a, sub="level_stopped")
    assert len(anomalies) == 1 and "基本满意" in anomalies[0].summary
    assert not found("silent_window", unit=world.unit_b)


def test_late_entry_records_backfilled_after_a_complaint(world: Any) -> None:
    hall = clean_hall(world)
    day = working_days(*MONTH)[8]
    hall.rating(world.unit_b, at(day, 11), level5=1)  # a 差评 by QR at 11:00
    for i in range(3):  # served that morning, entered two days later, after the complaint
        hall.record(world.unit_b, at(day, 9, i), entered=at(day + timedelta(days=2), 18))
    for i in range(3):  # look-alike: unit_a enters late too, but nobody complained
        hall.record(world.unit_a, at(day, 9, i), entered=at(day + timedelta(days=2), 18))
    hall.save()
    hall.compare()
    [anomaly] = found("late_entry")
    assert anomaly.unit == world.unit_b and anomaly.evidence["records"] == 3


def test_selective_reporting_records_on_a_few_phones_and_one_phone_everywhere(world: Any) -> None:
    hall = clean_hall(world)
    days = working_days(*MONTH)
    for i, day in enumerate(days[:12]):
        hall.record(world.unit_a, at(day, 14), tel=phone(5000))  # one "customer" on twelve records
        for k in range(4):  # and four more on six records each
            if i < 6:
                hall.record(world.unit_a, at(day, 15, k), tel=phone(5001 + k))
        if i < 2:  # look-alike: unit_b's regulars come back once or twice
            for k in range(5):
                hall.record(world.unit_b, at(day, 15, k), tel=phone(6001 + k))
    hall.save()
    hall.compare()
    [selective] = found("selective_reporting")
    assert selective.unit == world.unit_a and selective.evidence["top5_phone_records"] == [12, 6, 6, 6, 6]
    [false] = found("false_reporting")
    assert false.unit == world.unit_a and false.evidence["repeated_phones"] == [12]
