"""Inspectors enter a new year's schedule; from then on it decides that year's working days."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pingyi.audit.models import AuditEntry
from pingyi.workdays import days
from pingyi.workdays.models import CalendarGap, HolidayNotice
from pingyi.workdays.notice_text import ScheduleError, parse_schedule
from pingyi.workdays.services import NotAllowed, holiday_notice_save

# A schedule for 2027 in the notice's shape (test data, not the real 2027 notice).
SCHEDULE_2027 = """
# 元旦
2027-01-01 休 元旦
2027-02-06~2027-02-12 休 春节
2027-02-14 班 春节
2027-02-20 班 春节
"""


def _enter(world, text=SCHEDULE_2027):
    return holiday_notice_save(
        actor=world.users["inspector"],
        year=2027,
        title="国务院办公厅关于2027年部分节假日安排的通知",
        url="https://www.gov.cn/zhengce/content/2027-notice.htm",
        text=text,
    )


def test_an_entered_notice_decides_the_year(world):
    with pytest.raises(days.UnknownYear):
        days.add_working_days(date(2027, 2, 5), 1)
    assert CalendarGap.objects.filter(year=2027).exists()
    _enter(world)
    assert not CalendarGap.objects.filter(year=2027).exists()  # the alert is cleared
    assert days.add_working_days(date(2027, 2, 5), 1) == date(2027, 2, 14)  # Friday → 调休 Sunday
    assert days.add_working_days(date(2027, 2, 14), 1) == date(2027, 2, 15)
    assert not days.is_working_day(date(2027, 1, 1))
    assert days.is_working_day(date(2027, 2, 20))
    assert days.is_working_day(date(2027, 3, 1))  # unlisted weekdays work
    assert not days.is_working_day(date(2027, 3, 6))  # unlisted Saturdays do not
    assert days.working_days_between(date(2026, 12, 31), date(2027, 1, 4)) == 1


def test_a_notice_overrides_the_package_for_its_year(world):
    holiday_notice_save(
        actor=world.users["root"],
        year=2026,
        title="更正",
        url="https://www.gov.cn/x",
        text="2026-11-30 休 测试日",
    )
    assert not days.is_working_day(date(2026, 11, 30))
    assert days.add_working_days(date(2026, 11, 27), 1) == date(2026, 12, 1)


def test_saving_writes_one_audit_entry_with_the_days(world):
    before = AuditEntry.objects.count()
    _enter(world)
    entry = AuditEntry.objects.latest("seq")
    assert AuditEntry.objects.count() == before + 1
    assert entry.action == "workdays.notice_save"
    assert "2027-02-14 workday 春节" in entry.after["days"]


def test_correcting_a_notice_replaces_its_days(world):
    _enter(world)
    _enter(world, text="2027-01-01 休 元旦")
    assert HolidayNotice.objects.get(year=2027).days.count() == 1
    assert not days.is_working_day(date(2027, 2, 14))  # no longer a 调休 working Sunday


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2027-02-15 班 春节", "调休上班只能在周六或周日"),
        ("2026-12-31 休 元旦", "不在 2027 年"),
        ("2027-13-01 休 元旦", "日期应写成 YYYY-MM-DD"),
        ("2027-01-01 放 元旦", "不是“休”或“班”"),
        ("2027-01-02 休 元旦\n2027-01-02 班 元旦", "既是放假又是上班"),
        ("2027-01-02 班", "没有任何放假日期"),
        ("元旦放假", "格式应为"),
    ],
)
def test_bad_schedules_are_refused_with_the_line(text, message):
    with pytest.raises(ScheduleError) as error:
        parse_schedule(text, year=2027)
    assert message in str(error.value)


def test_only_inspectors_enter_notices(world):
    with pytest.raises(NotAllowed):
        holiday_notice_save(
            actor=world.users["unit_a"], year=2027, title="x", url="https://x.cn", text="2027-01-01 休"
        )
    assert not HolidayNotice.objects.exists()


def test_the_page_enters_a_year_and_shows_errors_in_chinese(world):
    client = world.client("inspector")
    page = client.get("/workdays/")
    assert page.status_code == 200
    assert "2027 年的节假日安排尚未录入" not in page.content.decode()
    bad = client.post(
        "/workdays/notices/new/",
        {"year": 2027, "title": "通知", "url": "https://www.gov.cn/n", "text": "2027-02-15 班 春节"},
    )
    assert bad.status_code == 200
    assert "调休上班只能在周六或周日" in bad.content.decode()
    assert "2027-02-15 班 春节" in bad.content.decode()  # the input is kept
    good = client.post(
        "/workdays/notices/new/",
        {"year": 2027, "title": "通知", "url": "https://www.gov.cn/n", "text": SCHEDULE_2027},
    )
    assert good.status_code == 302
    due = client.get("/workdays/", {"start": "2027-02-05", "n": "1"})
    assert "2027-02-14" in due.content.decode()


def test_the_page_shows_the_gap_alert(world):
    CalendarGap.objects.create(year=2027, context="deadline")
    page = world.client("inspector").get("/workdays/")
    assert "2027 年的节假日安排尚未录入" in page.content.decode()


@pytest.mark.parametrize("who", ["unit_a", "clerk", "hall_manager", "operator"])
def test_other_roles_cannot_enter_notices(world, who):
    assert world.client(who).get("/workdays/notices/new/").status_code == 404


def test_the_command_line(world, capsys):
    call_command("workdays", "add", "2026-09-30", "1")
    assert capsys.readouterr().out.strip() == "2026-10-08"
    call_command("workdays", "between", "2026-02-13", "2026-03-12")
    assert capsys.readouterr().out.strip() == "15"
    call_command("workdays", "is", "2026-02-14")
    assert capsys.readouterr().out.strip() == "工作日"
    with pytest.raises(CommandError, match="2027 年的节假日安排尚未录入"):
        call_command("workdays", "add", "2027-01-04", "1")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("workdays", "add", "26-1-1", "1")
