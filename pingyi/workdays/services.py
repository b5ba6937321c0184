"""Writes to the working-day calendar: a year's notice, and the gaps the calendar met."""

from __future__ import annotations

from django.db import transaction

from pingyi.accounts.roles import SYSTEM, Actor, is_inspector, person
from pingyi.audit.services import audit_record
from pingyi.workdays.days import calendar_changed
from pingyi.workdays.models import CalendarGap, DayOverride, HolidayNotice
from pingyi.workdays.notice_text import parse_schedule


class NotAllowed(PermissionError):
    pass


def holiday_notice_save(*, actor: Actor, year: int, title: str, url: str, text: str) -> HolidayNotice:
    """Enter (or correct) a year's State Council schedule; it then decides every working day of that year."""
    if not is_inspector(actor):
        raise NotAllowed("只有纪检监察人员可以录入节假日安排")
    days = parse_schedule(text, year=year)
    with transaction.atomic():
        notice = HolidayNotice.objects.select_for_update().filter(year=year).first()
        before = None
        if notice is None:
            notice = HolidayNotice(year=year)
        else:
            before = {"title": notice.title, "url": notice.url, "days": _day_list(notice)}
        notice.title, notice.url, notice.entered_by = title, url, person(actor)
        notice.save()
        DayOverride.objects.filter(notice=notice).delete()
        DayOverride.objects.bulk_create(
            DayOverride(notice=notice, day=d.day, kind=d.kind, name=d.name) for d in days
        )
        CalendarGap.objects.filter(year=year).delete()
        audit_record(
            actor=actor,
            action="workdays.notice_save",
            obj=notice,
            district_id=None,
            before=before,
            after={"title": title, "url": url, "days": _day_list(notice)},
        )
    calendar_changed()
    return notice


def _day_list(notice: HolidayNotice) -> list[str]:
    return [
        f"{day.isoformat()} {kind} {name}".rstrip()
        for day, kind, name in notice.days.values_list("day", "kind", "name")
    ]


def calendar_gap_record(*, year: int, context: str) -> CalendarGap | None:
    """Leave an alert that ``year`` has no schedule (once per year, until a notice is entered)."""
    with transaction.atomic():
        gap, created = CalendarGap.objects.get_or_create(year=year, defaults={"context": context[:200]})
        if created:
            audit_record(
                actor=SYSTEM, action="workdays.gap", obj=gap, district_id=None, after={"context": context}
            )
    return gap
