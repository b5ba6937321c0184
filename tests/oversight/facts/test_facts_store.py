"""The per-day facts stay equal to a recount of the raw rows (docs/decisions/0018): after late entries, imports of
history, new staff phones, changed office hours and changed settings, a comparison finds what a comparison from
scratch finds, and ``facts_check`` (``pingyi compare --check-facts``) finds no difference. Rows are bulk-inserted
with their historical stamps (as an import of history keeps them): new rows are found by id, not by stamp."""

from __future__ import annotations

from datetime import date, time, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from pingyi.catalog.models import Staff, WindowHours
from pingyi.derived.choices import Source
from pingyi.derived.feed import days_changed
from pingyi.ledger.models import ServiceRecord
from pingyi.oversight.engine import detect
from pingyi.oversight.facts.store import facts_check
from pingyi.oversight.models import Anomaly, FactDay, FactState
from pingyi.oversight.thresholds import thresholds
from pingyi.ratings.models import StaffDevice
from tests.oversight.builders import MONTH, at, clean_hall, phone, working_days

pytestmark = pytest.mark.django_db


def _findings(world: Any, start: date, end: date) -> list[tuple[str, int, dict[str, Any]]]:
    found = detect(world.district.pk, start, end, thresholds())
    return sorted((f.key, f.count, f.evidence) for f in found)


def assert_like_a_recount(world: Any, start: date = MONTH[0], end: date = MONTH[1]) -> list[Any]:
    """The findings with the kept facts equal the findings from scratch, and the facts equal a recount."""
    assert facts_check(world.district.pk, start, end, thresholds()) == []
    kept = _findings(world, start, end)
    FactState.objects.filter(district_id=world.district.pk).delete()  # other settings: everything recounted
    assert _findings(world, start, end) == kept
    return kept


def _recounted(run: Any) -> dict[str, int]:
    return dict(run.counts["recounted"])


def test_a_second_run_recounts_only_the_days_that_received_rows(world: Any) -> None:
    hall = clean_hall(world)
    days = working_days(*MONTH)
    hall.record(world.unit_a, at(days[2], 10), tel=phone(3131))  # a phone and a device seen once …
    hall.rating(world.unit_b, at(days[2], 10), device_fp="fp-twice")
    hall.save()
    first = hall.compare()
    assert _recounted(first)["days"] == 122  # June–August history and September, from scratch
    assert _recounted(hall.compare())["days"] == 0
    hall.rating(world.unit_a, at(days[6], 10))  # a rating arrives for one day
    hall.record(world.unit_b, at(days[6], 11), tel=phone(3131))  # … and once more, on that day
    hall.rating(world.unit_b, at(days[6], 11), device_fp="fp-twice")
    hall.save()
    assert _recounted(hall.compare())["days"] == 1
    assert FactDay.objects.filter(district_id=world.district.pk).count() == 122
    assert_like_a_recount(world)


def test_late_entries_and_imports_of_history_after_a_run(world: Any) -> None:
    hall = clean_hall(world)
    hall.compare()
    days = working_days(*MONTH)
    # A complaint, then records of that morning entered two days later (late_entry) …
    hall.rating(world.unit_b, at(days[8], 11), level5=1)
    for i in range(3):
        hall.record(world.unit_b, at(days[8], 9, i), entered=at(days[8] + timedelta(days=2), 18))
    # … an import of last month's ratings (history: changes the units' own baselines) …
    for i in range(30):
        hall.rating(world.unit_a, at(date(2026, 8, 3), 10, i))
    # … and one device rating unit_a again and again, one phone on many records (devices, phones)
    for i, day in enumerate(days[:10]):
        hall.rating(world.unit_a, at(day, 16), device_fp="fp-same-phone")
        for j in range(2):
            hall.record(world.unit_a, at(day, 14, j), tel=phone(4242))
    hall.save()
    run = hall.compare()
    assert _recounted(run)["days"] == 11  # the ten days (the complaint's among them) and August 3rd
    assert Anomaly.objects.filter(kind="late_entry", unit=world.unit_b).exists()
    assert Anomaly.objects.filter(kind="rating_fraud", unit=world.unit_a).exists()
    assert Anomaly.objects.filter(kind="false_reporting", unit=world.unit_a).exists()
    assert_like_a_recount(world)


def test_records_removed_and_said_so_recount_their_day_and_month(world: Any) -> None:
    """A writer that removes rows tells the change feed: the day is recounted, and the month's phone rows too,
    though no row left on that day holds the phone any more."""
    hall = clean_hall(world)
    days = working_days(*MONTH)
    first_day = []
    for day in days[:3]:
        for i in range(2):
            rec = hall.record(world.unit_a, at(day, 10, i), tel=phone(5151))
            if day == days[0]:
                first_day.append(rec.record_no)
    hall.save()
    hall.compare()
    assert ServiceRecord.objects.filter(record_no__in=first_day).delete()[0] == 2
    days_changed(world.district.pk, [days[0]], source=Source.LEDGER)
    assert _recounted(hall.compare())["days"] == 1
    assert_like_a_recount(world)


def test_a_staff_phone_or_device_registered_later_counts_at_once(world: Any) -> None:
    hall = clean_hall(world)
    days = working_days(*MONTH)
    for day in days[:6]:
        hall.rating(world.unit_a, at(day, 11), tel="13600006666", channel="mobile")
        hall.rating(world.unit_a, at(day, 15), device_fp="fp-new-colleague")
    hall.save()
    hall.compare()
    assert not Anomaly.objects.filter(kind="rating_fraud").exists()
    newcomer = Staff(unit=world.unit_b, employee_no="B-002", name="新同事")
    newcomer.set_phone("13600006666")
    newcomer.save()
    StaffDevice.objects.create(user=world.users["clerk"], device_fp="fp-new-colleague")
    run = hall.compare()
    assert _recounted(run)["days"] == 0  # nothing recounted: whose phone it is is decided when comparing
    [anomaly] = Anomaly.objects.filter(kind="rating_fraud")
    assert anomaly.evidence["staff_phone_ratings"] == 6 and anomaly.evidence["staff_device_ratings"] == 6
    assert_like_a_recount(world)


def test_changed_office_hours_recount_that_windows_records(world: Any) -> None:
    hall = clean_hall(world)
    for day in working_days(*MONTH)[:8]:
        for i in range(3):
            hall.record(world.unit_a, at(day, 18, 10 * i))  # evening records
    hall.save()
    hall.compare()
    assert Anomaly.objects.filter(kind="false_reporting", unit=world.unit_a).exists()
    # the window has really been open in the evening: its posted hours are corrected
    WindowHours.objects.filter(window=world.window_a, opens=time(14, 0)).update(closes=time(19, 0))
    run = hall.compare()
    assert _recounted(run) == {"days": 0, "windows": 1}
    assert Anomaly.objects.get(kind="false_reporting", unit=world.unit_a).score == 0  # withdrawn
    assert_like_a_recount(world)


def test_changed_settings_recount_everything(world: Any, settings: Any) -> None:
    hall = clean_hall(world)
    day = working_days(*MONTH)[5]
    for i in range(12):
        hall.record(world.unit_a, at(day, 10, 0) + timedelta(seconds=40 * i))
    hall.save()
    hall.compare()
    assert not Anomaly.objects.filter(kind="false_reporting").exists()
    settings.PINGYI_OVERSIGHT = {"burst_records": 10}
    run = hall.compare()
    assert _recounted(run)["days"] == 122
    assert Anomaly.objects.get(kind="false_reporting").evidence["bursts"][0] >= 12
    assert_like_a_recount(world)


def test_a_part_of_a_month_reads_the_raw_rows_and_finds_the_same(world: Any) -> None:
    hall = clean_hall(world)
    for day in working_days(*MONTH)[:10]:
        hall.rating(world.unit_a, at(day, 16), device_fp="fp-same-phone")
    hall.save()
    hall.compare()  # the whole month: the month tables cover September
    part = (date(2026, 9, 1), date(2026, 9, 20))
    found = assert_like_a_recount(world, *part)
    assert any(key.startswith("rating_fraud:") for key, _, _ in found)


def test_check_command(world: Any) -> None:
    hall = clean_hall(world)
    hall.compare()
    out = StringIO()
    call_command(
        "compare", "--from", "2026-09-01", "--to", "2026-09-30", "--district", "420113", "--check-facts",
        stdout=out,
    )  # fmt: skip
    assert "与重新计数一致" in out.getvalue()
