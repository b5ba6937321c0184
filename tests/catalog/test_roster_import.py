"""Duty rosters from the two shapes halls keep them in; a rating then names whoever the roster put at the window."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone
from helpers_files import catalogue_state, write_csv, write_file

from pingyi.audit.models import AuditEntry
from pingyi.catalog.models import DutyShift
from pingyi.imports.models import ImportJob
from pingyi.ratings.selectors import staff_on_duty
from tests.catalog.importing import refused_with, run

FORMATS = ["xlsx", "utf-8-sig", "gb18030"]


def at(text: str) -> datetime:
    return timezone.make_aware(datetime.strptime(text, "%Y-%m-%d %H:%M"))


def shifts(window) -> list[tuple[str, str, str]]:
    return [
        (
            s.staff.employee_no,
            f"{timezone.localtime(s.starts_at):%m-%d %H:%M}",
            f"{timezone.localtime(s.ends_at):%H:%M}",
        )
        for s in DutyShift.objects.filter(window=window).order_by("starts_at")
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_long_list_becomes_shifts_and_the_rating_names_who_was_on_duty(world, tmp_path, fmt):
    rows = [
        ["窗口", "工作人员", "开始", "结束"],
        ["001", "A-001", "2026-12-07 08:30", "2026-12-07 12:00"],
        ["002", "龙强", "2026-12-07 08:30", "2026-12-07 17:30"],
    ]
    job = run(world, "hall_manager", "rosters", write_file(tmp_path / "排班", rows, fmt))
    assert job.status == ImportJob.Status.DONE, job.errors
    assert job.message == "已导入 2 个班次"
    assert shifts(world.window_a) == [("A-001", "12-07 08:30", "12:00")]
    assert staff_on_duty(world.window_a, at("2026-12-07 10:00")) == world.staff_a
    assert staff_on_duty(world.window_a, at("2026-12-07 15:00")) is None
    assert staff_on_duty(world.window_b, at("2026-12-07 15:00")) == world.staff_b
    assert AuditEntry.objects.filter(action="import.rosters").count() == 1


def test_a_date_column_lets_start_and_end_be_times(world, tmp_path):
    rows = [
        ["日期", "窗口", "工号", "上岗时间", "离岗时间"],
        ["2026-12-08", "001", "A-001", "14:00", "17:30"],
    ]
    job = run(world, "unit_a", "rosters", write_csv(tmp_path / "r.csv", rows))
    assert job.status == ImportJob.Status.DONE, job.errors
    assert shifts(world.window_a) == [("A-001", "12-08 14:00", "17:30")]


def test_a_week_grid_uses_the_windows_posted_hours_for_each_half_day(world, tmp_path):
    rows = [
        ["窗口", "2026-12-07 上午", "2026-12-07 下午", "2026/12/08 上午", "2026年12月8日下午"],
        ["001", "张敏", "", "A-001", "A-001"],
        ["002", "B-001", "龙强", "", ""],
    ]
    job = run(world, "hall_manager", "rosters", write_file(tmp_path / "周排班", rows, "xlsx"))
    assert job.status == ImportJob.Status.DONE, job.errors
    assert shifts(world.window_a) == [
        ("A-001", "12-07 08:30", "12:00"),
        ("A-001", "12-08 08:30", "12:00"),
        ("A-001", "12-08 14:00", "17:30"),
    ]
    assert staff_on_duty(world.window_b, at("2026-12-07 16:00")) == world.staff_b
    assert staff_on_duty(world.window_a, at("2026-12-07 16:00")) is None


def test_importing_a_corrected_week_replaces_that_weeks_shifts_only(world, tmp_path):
    first = [["窗口", "工作人员", "开始", "结束"], ["001", "A-001", "2026-12-07 08:30", "2026-12-07 12:00"]]
    other_week = [
        ["窗口", "工作人员", "开始", "结束"],
        ["001", "A-001", "2026-12-14 08:30", "2026-12-14 12:00"],
    ]
    assert run(world, "unit_a", "rosters", write_csv(tmp_path / "a.csv", first)).status == "done"
    assert run(world, "unit_a", "rosters", write_csv(tmp_path / "b.csv", other_week)).status == "done"
    corrected = [["窗口", "2026-12-07 上午", "2026-12-07 下午"], ["001", "", "A-001"]]
    job = run(world, "unit_a", "rosters", write_csv(tmp_path / "c.csv", corrected))
    assert job.status == ImportJob.Status.DONE, job.errors
    assert "替换了原有的 1 个" in job.message
    assert shifts(world.window_a) == [("A-001", "12-07 14:00", "17:30"), ("A-001", "12-14 08:30", "12:00")]


@pytest.mark.parametrize(
    ("rows", "row", "column", "text"),
    [
        (
            [
                ["001", "A-001", "2026-12-07 08:30", "2026-12-07 12:00"],
                ["001", "A-001", "2026-12-07 11:00", "2026-12-07 12:30"],
            ],
            3,
            "开始",
            "与第 2 行同一窗口",
        ),
        (
            [
                ["001", "A-001", "2026-12-07 08:30", "2026-12-07 12:00"],
                ["002", "A-001", "2026-12-07 09:00", "2026-12-07 10:00"],
            ],
            3,
            "工作人员",
            "找不到",
        ),
        ([["001", "A-001", "2026-12-07 12:00", "2026-12-07 08:30"]], 2, "结束", "应晚于开始"),
        ([["001", "A-001", "明天上午", "2026-12-07 12:00"]], 2, "开始", "不是有效的时间"),
        ([["999", "A-001", "2026-12-07 08:30", "2026-12-07 12:00"]], 2, "窗口", "找不到窗口"),
        ([["001", "B-001", "2026-12-07 08:30", "2026-12-07 12:00"]], 2, "工作人员", "区市场监管局的工作人员"),
    ],
    ids=["overlap", "other-unit", "backwards", "bad-time", "no-window", "staff-of-another-unit"],
)
def test_a_bad_row_imports_nothing_and_says_where(world, tmp_path, rows, row, column, text):
    DutyShift.objects.create(
        window=world.window_a,
        staff=world.staff_a,
        starts_at=at("2026-12-07 08:30"),
        ends_at=at("2026-12-07 12:00"),
    )
    before = catalogue_state()
    job = run(
        world,
        "hall_manager",
        "rosters",
        write_csv(tmp_path / "r.csv", [["窗口", "工作人员", "开始", "结束"], *rows]),
    )
    assert refused_with(job, row, column, text), job.errors
    assert catalogue_state() == before


def test_one_person_at_two_windows_at_once_is_refused(world, tmp_path):
    world.staff_b.unit = world.unit_a  # move 龙强 to unit A, so that both windows are his unit's
    world.staff_b.save()
    world.window_b.unit = world.unit_a
    world.window_b.save()
    rows = [["窗口", "2026-12-07 上午"], ["001", "B-001"], ["002", "B-001"]]
    job = run(world, "hall_manager", "rosters", write_csv(tmp_path / "r.csv", rows))
    assert refused_with(job, 3, "2026-12-07 上午", "同一时间排在另一个窗口"), job.errors


def test_a_window_outside_the_importers_scope_is_not_found(world, tmp_path):
    rows = [["窗口", "工作人员", "开始", "结束"], ["002", "B-001", "2026-12-07 08:30", "2026-12-07 12:00"]]
    job = run(world, "unit_a", "rosters", write_csv(tmp_path / "r.csv", rows))
    assert refused_with(job, 2, "窗口", "不在您的管理范围内")
    assert not DutyShift.objects.exists()


def test_a_grid_half_day_the_window_does_not_open_is_refused(world, tmp_path):
    rows = [["窗口", "2026-12-12 上午"], ["001", "A-001"]]  # a Saturday; window 001 opens Monday to Friday
    job = run(world, "hall_manager", "rosters", write_csv(tmp_path / "r.csv", rows))
    assert refused_with(job, 2, "2026-12-12 上午", "不办公")


def test_windows_of_the_same_number_in_two_halls_need_the_hall_column(world, tmp_path):
    from pingyi.catalog.models import Window

    Window.objects.create(hall=world.sub_hall, unit=world.unit_a, code="001", name="沌口001")
    rows = [["窗口", "工作人员", "开始", "结束"], ["001", "A-001", "2026-12-07 08:30", "2026-12-07 12:00"]]
    job = run(world, "hall_manager", "rosters", write_csv(tmp_path / "r.csv", rows))
    assert refused_with(job, 2, "窗口", "请加“大厅”列")
    rows = [["大厅", *rows[0]], ["H01", *rows[1]]]
    job = run(world, "hall_manager", "rosters", write_csv(tmp_path / "r2.csv", rows))
    assert job.status == ImportJob.Status.DONE, job.errors
    assert shifts(world.window_a) == [("A-001", "12-07 08:30", "12:00")]


def test_a_weekday_grid_takes_its_week_from_the_week_column(world, tmp_path):
    rows = [
        ["周", "窗口", "周一上午", "周一下午", "星期二 上午"],
        ["2026-12-09", "001", "A-001", "", "张敏"],  # any day of the week: Wednesday's week starts on the 7th
        ["2026-12-14", "001", "", "A-001", ""],
    ]
    job = run(world, "hall_manager", "rosters", write_file(tmp_path / "周排班", rows, "xlsx"))
    assert job.status == ImportJob.Status.DONE, job.errors
    assert shifts(world.window_a) == [
        ("A-001", "12-07 08:30", "12:00"),
        ("A-001", "12-08 08:30", "12:00"),
        ("A-001", "12-14 14:00", "17:30"),
    ]


def test_a_weekday_grid_without_the_week_column_is_refused(world, tmp_path):
    job = run(
        world,
        "hall_manager",
        "rosters",
        write_csv(tmp_path / "r.csv", [["窗口", "周一上午"], ["001", "A-001"]]),
    )
    assert refused_with(job, 1, "周", "须有“周”列")
