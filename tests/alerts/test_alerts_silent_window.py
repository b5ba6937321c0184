"""silent_window: a window with ≥ 10 records and no active rating since the start of the 3rd working day back.

The evaluation runs on Wednesday 16 September 2026 at 10:00: the span starts on Friday the 11th at 00:00 (Friday,
Monday, Tuesday and Wednesday morning; the weekend is not a working day).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from alerts_builders import NOW, TZ, at

from pingyi.alerts.evaluate import alerts_evaluate
from pingyi.alerts.models import Alert, AlertKind
from pingyi.audit.models import AuditEntry

KIND = [AlertKind.SILENT_WINDOW]
SPAN_DAYS = [date(2026, 9, 11), date(2026, 9, 14), date(2026, 9, 15)]


def _records(plant, window, per_day: int) -> None:
    for day in SPAN_DAYS:
        for i in range(per_day):
            plant.record(window, at(day, 9 + i, 10))


def _alerts() -> dict[str, Alert]:
    return {a.subject_key: a for a in Alert.objects.filter(kind=AlertKind.SILENT_WINDOW)}


def test_a_window_that_served_twelve_and_got_no_rating_for_three_working_days_is_raised(world, plant):
    _records(plant, world.window_a, 4)
    plant.rating(world.window_a, at(date(2026, 9, 10), 16), level5=5)  # Thursday: before the span
    plant.rating(
        world.window_a, at(date(2026, 9, 14), 12), level5=3, default=True
    )  # the system's, not a citizen's
    plant.save()

    alerts_evaluate(NOW, kinds=KIND)

    found = _alerts()
    assert set(found) == {f"window:{world.window_a.pk}"}
    alert = found[f"window:{world.window_a.pk}"]
    assert alert.unit == world.unit_a and alert.window == world.window_a
    assert alert.evidence["records"] == 12 and alert.evidence["ratings"] == 0
    assert alert.evidence["from"].startswith("2026-09-11T00:00")
    assert alert.evidence["last_rating_at"].startswith("2026-09-10T16:00")
    assert AuditEntry.objects.filter(action="alert.raise", object_id=str(alert.pk)).count() == 1


def test_one_citizen_rating_on_monday_keeps_the_window_off_the_list(world, plant):
    _records(plant, world.window_b, 4)
    plant.rating(world.window_b, at(date(2026, 9, 14), 11), level5=5)
    plant.save()

    alerts_evaluate(NOW, kinds=KIND)

    assert _alerts() == {}


def test_a_window_with_nine_records_is_too_quiet_to_judge(world, plant):
    _records(plant, world.window_sub, 3)
    plant.save()

    alerts_evaluate(NOW, kinds=KIND)

    assert _alerts() == {}


def test_records_before_the_span_do_not_count(world, plant):
    for i in range(12):
        plant.record(
            world.window_a, at(date(2026, 9, 10), 8 + i % 9, i)
        )  # Thursday: one working day too early
    plant.save()

    alerts_evaluate(NOW, kinds=KIND)

    assert _alerts() == {}


def test_the_alert_closes_itself_once_a_rating_arrives(world, plant):
    _records(plant, world.window_a, 4)
    plant.save()
    alerts_evaluate(NOW, kinds=KIND)
    alert = _alerts()[f"window:{world.window_a.pk}"]

    plant.rating(world.window_a, NOW + timedelta(minutes=5), level5=4)
    plant.save()
    alerts_evaluate(NOW + timedelta(minutes=15), kinds=KIND)

    alert.refresh_from_db()
    assert alert.status == Alert.Status.CLOSED and alert.close_reason == Alert.CloseReason.CLEARED
    assert alert.cleared_at == NOW + timedelta(minutes=15)
    assert AuditEntry.objects.filter(action="alert.close", object_id=str(alert.pk)).count() == 1


def test_a_year_without_a_holiday_schedule_is_skipped_not_guessed(world, plant):
    _records(plant, world.window_a, 4)
    plant.save()
    alerts_evaluate(NOW, kinds=KIND)

    result = alerts_evaluate(datetime(2027, 3, 3, 10, 0, tzinfo=TZ), kinds=KIND)

    assert "2027" in result.skipped[f"{world.district.code} silent_window"]
    assert _alerts()[f"window:{world.window_a.pk}"].cleared_at is None  # left as it was
