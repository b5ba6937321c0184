"""Wherever a file references a unit it may use the code, the 统一社会信用代码 or the name; a file carrying two of
them is read by the first and checked against the second."""

from __future__ import annotations

import pytest
from helpers_files import catalogue_state, write_csv

from pingyi.catalog.models import Staff, Window
from pingyi.imports.models import ImportJob
from tests.catalog.importing import refused_with, run


@pytest.mark.parametrize("reference", ["U001", "区市场监管局", "credit"])
def test_staff_reference_their_unit_by_code_name_or_credit_code(world, tmp_path, reference):
    reference = world.unit_a.credit_code if reference == "credit" else reference
    rows = [["单位", "工号", "姓名"], [reference, "A-200", "李雷"]]
    job = run(world, "hall_manager", "staff", write_csv(tmp_path / "s.csv", rows))
    assert job.status == ImportJob.Status.DONE, job.errors
    assert Staff.objects.get(employee_no="A-200").unit == world.unit_a


def test_a_file_with_both_credit_code_and_unit_name_is_read_and_they_must_agree(world, tmp_path):
    rows = [
        ["统一社会信用代码", "单位名称", "窗口编号", "窗口名称", "大厅", "办公时间"],
        [world.unit_a.credit_code, "区市场监管局", "009", "综合窗口", "H01", "周一至周五 08:30-12:00"],
    ]
    job = run(world, "hall_manager", "windows", write_csv(tmp_path / "w.csv", rows))
    assert job.status == ImportJob.Status.DONE, job.errors
    assert Window.objects.get(code="009").unit == world.unit_a

    before = catalogue_state()
    rows[1][:2] = [world.unit_a.credit_code, "区城管局"]
    rows[1][2] = "010"
    job = run(world, "hall_manager", "windows", write_csv(tmp_path / "w2.csv", rows))
    assert refused_with(job, 2, "单位名称", "不是同一个单位"), job.errors
    assert catalogue_state() == before


def test_the_same_header_twice_is_still_refused(world, tmp_path):
    rows = [["单位", "单位", "工号", "姓名"], ["U001", "U001", "A-200", "李雷"]]
    job = run(world, "hall_manager", "staff", write_csv(tmp_path / "s.csv", rows))
    assert refused_with(job, 1, "单位", "出现了多次")


def test_a_name_two_units_share_asks_for_the_code(world, tmp_path):
    world.unit_b.name = world.unit_a.name
    world.unit_b.save()
    rows = [["单位", "工号", "姓名"], ["区市场监管局", "A-200", "李雷"]]
    job = run(world, "hall_manager", "staff", write_csv(tmp_path / "s.csv", rows))
    assert refused_with(job, 2, "单位", "请填写编码")
