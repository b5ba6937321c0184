"""A ledger export carrying both 经办人工号 and 经办人 (or 统一社会信用代码 and 单位名称) is read; the second must agree."""

from __future__ import annotations

import pytest

from pingyi.ledger.models import ServiceRecord
from tests.helpers_files import write_csv
from tests.ledger.test_ledger_import import messages, run

HEADERS = ["办件编号", "统一社会信用代码", "单位名称", "窗口", "经办人工号", "经办人", "受理时间"]


@pytest.mark.django_db
def test_both_staff_columns_and_both_unit_columns_are_read_when_they_agree(world, tmp_path):
    rows = [
        HEADERS,
        ["BJ-1", world.unit_a.credit_code, "区市场监管局", "001", "A-001", "张敏", "2023-12-13 09:05"],
    ]
    job = run(world, "hall_manager", write_csv(tmp_path / "台账.csv", rows))
    assert job.status == "done", job.errors
    record = ServiceRecord.objects.get(record_no="BJ-1")
    assert record.staff_id == world.staff_a.pk and record.unit_id == world.unit_a.pk


@pytest.mark.django_db
def test_a_second_column_naming_someone_else_is_a_row_error(world, tmp_path):
    rows = [
        HEADERS,
        ["BJ-1", world.unit_a.credit_code, "区市场监管局", "001", "A-001", "李四", "2023-12-13 09:05"],
        ["BJ-2", world.unit_a.credit_code, "区城管局", "001", "A-001", "张敏", "2023-12-13 09:05"],
    ]
    job = run(world, "hall_manager", write_csv(tmp_path / "台账.csv", rows))
    assert job.status == "failed"
    found = messages(job)
    assert any(r == 2 and c == "经办人" and "不是同一个人" in m for r, c, m in found), found
    assert any(r == 3 and c == "单位名称" and "不是同一个单位" in m for r, c, m in found), found
    assert not ServiceRecord.objects.exists()
