"""Working days against the State Council's published schedules (国办发明电 for 2025 and 2026), written out here from
the notices themselves, so a wrong calendar package fails these tests."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pingyi.workdays import days
from pingyi.workdays.models import CalendarGap


def _span(first: str, last: str) -> list[date]:
    a, b = date.fromisoformat(first), date.fromisoformat(last)
    return [a + timedelta(days=i) for i in range((b - a).days + 1)]


# 国务院办公厅关于2025年部分节假日安排的通知 (国办发明电〔2024〕12号)
HOLIDAYS_2025 = (
    _span("2025-01-01", "2025-01-01")
    + _span("2025-01-28", "2025-02-04")
    + _span("2025-04-04", "2025-04-06")
    + _span("2025-05-01", "2025-05-05")
    + _span("2025-05-31", "2025-06-02")
    + _span("2025-10-01", "2025-10-08")
)
WORKING_WEEKENDS_2025 = [
    date(2025, 1, 26),
    date(2025, 2, 8),
    date(2025, 4, 27),
    date(2025, 9, 28),
    date(2025, 10, 11),
]
# 国务院办公厅关于2026年部分节假日安排的通知 (国办发明电〔2025〕7号)
HOLIDAYS_2026 = (
    _span("2026-01-01", "2026-01-03")
    + _span("2026-02-15", "2026-02-23")
    + _span("2026-04-04", "2026-04-06")
    + _span("2026-05-01", "2026-05-05")
    + _span("2026-06-19", "2026-06-21")
    + _span("2026-09-25", "2026-09-27")
    + _span("2026-10-01", "2026-10-07")
)
WORKING_WEEKENDS_2026 = [
    date(2026, 1, 4),
    date(2026, 2, 14),
    date(2026, 2, 28),
    date(2026, 5, 9),
    date(2026, 9, 20),
    date(2026, 10, 10),
]


@pytest.mark.parametrize("day", HOLIDAYS_2025 + HOLIDAYS_2026)
def test_published_holidays_are_not_working_days(db, day):
    assert not days.is_working_day(day)


@pytest.mark.parametrize("day", WORKING_WEEKENDS_2025 + WORKING_WEEKENDS_2026)
def test_adjusted_weekends_are_working_days(db, day):
    assert day.weekday() >= 5
    assert days.is_working_day(day)


@pytest.mark.parametrize(
    ("year", "holidays_on_weekdays", "working_weekends"),
    [(2025, 18, WORKING_WEEKENDS_2025), (2026, 19, WORKING_WEEKENDS_2026)],
)
def test_working_day_count_of_the_year(db, year, holidays_on_weekdays, working_weekends):
    # Both years have 261 weekdays; the notices take 18 (2025) and 19 (2026) of them off and add 5 and 6 weekends.
    holidays = HOLIDAYS_2025 if year == 2025 else HOLIDAYS_2026
    assert sum(1 for d in holidays if d.weekday() < 5) == holidays_on_weekdays
    expected = 261 - holidays_on_weekdays + len(working_weekends)
    assert expected == 248
    assert days.working_days_between(date(year - 1, 12, 31), date(year, 12, 31)) == expected


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (
            "2025-01-27",
            1,
            "2025-02-05",
        ),  # the Monday before Spring Festival: next working day after the week off
        ("2025-01-24", 1, "2025-01-26"),  # a Friday: the 调休 Sunday counts
        ("2025-09-30", 1, "2025-10-09"),  # National Day and Mid-Autumn, eight days
        ("2025-09-26", 1, "2025-09-28"),  # Friday before National Day: Sunday the 28th is a working day
        ("2025-12-31", 15, "2026-01-22"),  # across the year end and 元旦 (Jan 1–3 off, Sunday Jan 4 on)
        ("2026-02-13", 1, "2026-02-14"),  # Friday → the 调休 Saturday
        ("2026-02-14", 1, "2026-02-24"),  # the Saturday before Spring Festival → after nine days off
        ("2026-02-13", 15, "2026-03-12"),  # 14th, 24th–28th, then March
        ("2026-09-30", 1, "2026-10-08"),
        ("2026-10-09", 1, "2026-10-10"),  # Friday → 调休 Saturday Oct 10
        ("2026-11-27", 1, "2026-11-30"),  # an ordinary Friday → Monday
        ("2026-11-28", 1, "2026-11-30"),  # received on a Saturday → Monday
        ("2026-11-25", 0, "2026-11-25"),
    ],
)
def test_deadlines_across_the_published_schedules(db, start, n, due):
    assert days.add_working_days(date.fromisoformat(start), n) == date.fromisoformat(due)
    assert days.working_days_between(date.fromisoformat(start), date.fromisoformat(due)) == n


def test_a_rating_at_1755_on_friday_is_due_at_the_end_of_monday(db):
    tz = ZoneInfo("Asia/Shanghai")
    received = datetime(2026, 11, 27, 17, 55, tzinfo=tz)
    due = days.due_at(received, 1)
    assert due.astimezone(tz) == datetime(2026, 12, 1, 0, 0, tzinfo=tz)  # Monday 24:00


def test_an_unknown_year_raises_and_leaves_an_alert(db):
    with pytest.raises(days.UnknownYear) as error:
        days.add_working_days(date(2026, 12, 30), 5)
    assert error.value.year == 2027
    assert "2027 年的节假日安排尚未录入" in str(error.value)
    assert CalendarGap.objects.filter(year=2027).exists()
    with pytest.raises(days.UnknownYear):
        days.is_working_day(date(2027, 3, 1))  # never a Monday-to-Friday guess


def test_negative_counts_are_refused(db):
    with pytest.raises(ValueError):
        days.add_working_days(date(2026, 3, 2), -1)


def test_between_is_antisymmetric(db):
    a, b = date(2026, 1, 5), date(2026, 3, 2)
    assert days.working_days_between(b, a) == -days.working_days_between(a, b)
    assert days.working_days_between(a, a) == 0


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    start=st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 10, 31)),
    n=st.integers(min_value=0, max_value=30),
)
def test_add_and_between_are_inverse(db, start, n):
    due = days.add_working_days(start, n)
    assert days.working_days_between(start, due) == n
    assert n == 0 or days.is_working_day(due)
    assert due >= start
