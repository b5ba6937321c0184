"""The kinds of 问责 shipped as data: 组织处理 (《中国共产党问责条例》), 政务处分 (《公职人员政务处分法》第七条) and
党纪处分 (《中国共产党纪律处分条例》第八条). Editable afterwards; codes are stable."""

from __future__ import annotations

from typing import Any

SANCTIONS = [
    ("OR01", "提醒谈话", "organisational"),
    ("OR02", "批评教育", "organisational"),
    ("OR03", "责令书面检查", "organisational"),
    ("OR04", "诫勉谈话", "organisational"),
    ("OR05", "通报批评", "organisational"),
    ("OR06", "责令公开道歉", "organisational"),
    ("OR07", "停职检查", "organisational"),
    ("OR08", "调整职务", "organisational"),
    ("OR09", "责令辞职", "organisational"),
    ("OR10", "降职", "organisational"),
    ("OR11", "免职", "organisational"),
    ("GV01", "政务警告", "government"),
    ("GV02", "政务记过", "government"),
    ("GV03", "政务记大过", "government"),
    ("GV04", "政务降级", "government"),
    ("GV05", "政务撤职", "government"),
    ("GV06", "政务开除", "government"),
    ("PT01", "党内警告", "party"),
    ("PT02", "党内严重警告", "party"),
    ("PT03", "撤销党内职务", "party"),
    ("PT04", "留党察看", "party"),
    ("PT05", "开除党籍", "party"),
]


def load_sanction_types(model: Any) -> None:
    """Create or repair the shipped kinds (a data migration and the test fixtures call this)."""
    for severity, (code, name, category) in enumerate(SANCTIONS, start=1):
        model.objects.update_or_create(
            code=code, defaults={"name": name, "category": category, "severity": severity}
        )
