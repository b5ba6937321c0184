"""The finding types seen in practice (Wuhan 2018 and the source article); the migration and tests load them.

The names are stored in Chinese; gettext_noop puts them in the catalogue so pages show them translated."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop

TYPES = [
    ("under_reporting", gettext_noop("漏报"), gettext_noop("应录入的服务对象或办件未录入台账")),
    ("concealment", gettext_noop("瞒报"), gettext_noop("隐瞒差评、投诉或服务对象")),
    ("false_reporting", gettext_noop("虚报"), gettext_noop("录入不存在的服务对象或办件")),
    ("selective_reporting", gettext_noop("选择性上报"), gettext_noop("只录入可能给好评的服务对象")),
    (
        "vote_pulling",
        gettext_noop("拉票刷票"),
        gettext_noop("诱导、强迫或冒名评价，工作人员互评（交叉互评）"),
    ),
    (
        "phone_swap",
        gettext_noop("替换回访号码"),
        gettext_noop("以干部或熟人号码替换群众号码，使回访打给自己人"),
    ),
    ("late_early", gettext_noop("迟到早退"), gettext_noop("未按公示办公时间在岗，擅自调整上班时间")),
    ("qr_hidden", gettext_noop("二维码遮挡"), gettext_noop("评价二维码被遮挡、撤下、污损或过期")),
    ("interference", gettext_noop("干扰评价"), gettext_noop("劝阻、干扰群众评价或打听评价人")),
    ("other", gettext_noop("其他"), gettext_noop("其他违反评议工作纪律的问题")),
]


def load_finding_types(model: Any) -> None:
    """Create or refresh the shipped types (``model`` is the real or the historical FindingType)."""
    for order, (code, name, description) in enumerate(TYPES, start=1):
        model.objects.update_or_create(
            code=code, defaults={"name": name, "description": description, "order": order * 10}
        )
