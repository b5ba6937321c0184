"""The one interface to working days (工作日). Everything that counts days for a deadline comes through here.

Counting rule: the day something happens does not count. ``add_working_days(d, n)`` is the n-th working day after
``d`` (a Saturday's complaint with n = 1 is due on Monday, a Friday 17:55 one too); ``working_days_between(a, b)`` is
the number of working days in (a, b], so ``working_days_between(d, add_working_days(d, n)) == n``.

Which days are working days: the State Council's notice for the year as entered by inspectors (``HolidayNotice``)
when there is one, else the chinese-calendar package. A year that neither knows raises ``UnknownYear`` — never a
Monday-to-Friday guess — and leaves a ``CalendarGap`` for the inspectors to see.
"""

from __future__ import annotations

import logging
import time as _time
from datetime import date, datetime, time, timedelta
from threading import Lock

import chinese_calendar
from django.utils import timezone

log = logging.getLogger(__name__)

# Another process may enter a notice; a process re-reads a year at most this often (seconds).
CACHE_SECONDS = 60.0
_cache: dict[int, tuple[float, frozenset[date]]] = {}
_lock = Lock()


class UnknownYear(ValueError):
    """No schedule is known for this year: enter the State Council's notice (工作日 › 录入年度安排)."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"{year} 年的节假日安排尚未录入，无法计算工作日；请纪检监察人员录入国务院办公厅的年度通知"
        )


def calendar_changed() -> None:
    """Forget cached years (called after a notice is saved in this process)."""
    with _lock:
        _cache.clear()


def _library_year(year: int) -> frozenset[date]:
    start, end = date(year, 1, 1), date(year, 12, 31)
    try:
        return frozenset(chinese_calendar.get_workdays(start, end, include_weekends=True))
    except NotImplementedError:
        raise UnknownYear(year) from None


def _notice_year(year: int) -> frozenset[date] | None:
    from pingyi.workdays.models import DayOverride, HolidayNotice

    notice = HolidayNotice.objects.filter(year=year).first()
    if notice is None:
        return None
    kinds = dict(DayOverride.objects.filter(notice=notice).values_list("day", "kind"))
    days = set()
    day = date(year, 1, 1)
    while day.year == year:
        kind = kinds.get(day)
        if kind == DayOverride.Kind.WORKDAY or (kind is None and day.weekday() < 5):
            days.add(day)
        day += timedelta(days=1)
    return frozenset(days)


def _working_days_of(year: int, *, note_gap: bool = True) -> frozenset[date]:
    now = _time.monotonic()
    with _lock:
        hit = _cache.get(year)
    if hit and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    try:
        days = _notice_year(year)
        if days is None:
            days = _library_year(year)
    except UnknownYear:
        if note_gap:
            _note_gap(year)
        raise
    with _lock:
        _cache[year] = (now, days)
    return days


def _note_gap(year: int) -> None:
    log.error("working-day calendar has no schedule for %s", year)
    from pingyi.workdays.services import calendar_gap_record

    # Inside the caller's transaction: if that rolls back, the daily look-ahead (tasks.lookahead) still raises it.
    calendar_gap_record(year=year, context="deadline")


def is_working_day(day: date) -> bool:
    return day in _working_days_of(day.year)


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after ``start`` (``start`` itself does not count; n = 0 gives ``start``)."""
    if n < 0:
        raise ValueError("工作日数不能为负数")
    day = start
    while n:
        day += timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def working_days_between(a: date, b: date) -> int:
    """Working days in (a, b]; negative when b is before a."""
    if b < a:
        return -working_days_between(b, a)
    count = 0
    for year in range(a.year, b.year + 1):
        days = _working_days_of(year)
        low = a if year == a.year else date(year, 1, 1) - timedelta(days=1)
        high = b if year == b.year else date(year, 12, 31)
        count += sum(1 for d in days if low < d <= high)
    return count


def due_at(moment: datetime, n: int) -> datetime:
    """The deadline for something received at ``moment``: the end (24:00 local) of the n-th working day after it."""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    day = add_working_days(local.date(), n)
    end = datetime.combine(day + timedelta(days=1), time.min)
    return timezone.make_aware(end) if timezone.is_aware(moment) else end


def is_known(year: int) -> bool:
    try:
        _working_days_of(year, note_gap=False)
    except UnknownYear:
        return False
    return True
