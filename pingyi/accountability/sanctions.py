"""The kinds of 问责 shipped as data: 组织处理 (《中国共产党问责条例》), 政务处分 (《公职人员政务处分法》第七条) and
党纪处分 (《中国共产党纪律处分条例》第八条). Editable afterwards; codes are stable."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop

SANCTIONS = [
    ("OR01", gettext_noop("提醒谈话"), "organisational"),
    ("OR02", gettext_noop("批评教育"), "organisational"),
    ("OR03", gettext_noop("责令书面检查"), "organisational"),
    ("OR04", gettext_noop("诫勉谈话"), "organisational"),
    ("OR05", gettext_noop("通报批评"), "organisational"),
    ("OR06", gettext_noop("责令公开道歉"), "organisational"),
    ("OR07", gettext_noop("停职检查"), "organisational"),
    ("OR08", gettext_noop("调整职务"), "organisational"),
    ("OR09", gettext_noop("责令辞职"), "organisational"),
    ("OR10", gettext_noop("降职"), "organisational"),
    ("OR11", gettext_noop("免职"), "organisational"),
    ("GV01", gettext_noop("政务警告"), "government"),
    ("GV02", gettext_noop("政务记过"), "government"),
    ("GV03", gettext_noop("政务记大过"), "government"),
    ("GV04", gettext_noop("政务降级"), "government"),
    ("GV05", gettext_noop("政务撤职"), "government"),
    ("GV06", gettext_noop("政务开除"), "government"),
    ("PT01", gettext_noop("党内警告"), "party"),
    ("PT02", gettext_noop("党内严重警告"), "party"),
    ("PT03", gettext_noop("撤销党内职务"), "party"),
    ("PT04", gettext_noop("留党察看"), "party"),
    ("PT05", gettext_noop("开除党籍"), "party"),
]


def load_sanction_types(model: Any) -> None:
    """Create or repair the shipped kinds (a data migration and the test fixtures call this)."""
    for severity, (code, name, category) in enumerate(SANCTIONS, start=1):
        model.objects.update_or_create(
            code=code, defaults={"name": name, "category": category, "severity": severity}
        )
