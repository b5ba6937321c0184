"""The finding types seen in practice (Wuhan 2018 and the source article); the migration and tests load them."""

from __future__ import annotations

from typing import Any

TYPES = [
    ("under_reporting", "漏报", "应录入的服务对象或办件未录入台账"),
    ("concealment", "瞒报", "隐瞒差评、投诉或服务对象"),
    ("false_reporting", "虚报", "录入不存在的服务对象或办件"),
    ("selective_reporting", "选择性上报", "只录入可能给好评的服务对象"),
    ("vote_pulling", "拉票刷票", "诱导、强迫或冒名评价，工作人员互评（交叉互评）"),
    ("phone_swap", "替换回访号码", "以干部或熟人号码替换群众号码，使回访打给自己人"),
    ("late_early", "迟到早退", "未按公示办公时间在岗，擅自调整上班时间"),
    ("qr_hidden", "二维码遮挡", "评价二维码被遮挡、撤下、污损或过期"),
    ("interference", "干扰评价", "劝阻、干扰群众评价或打听评价人"),
    ("other", "其他", "其他违反评议工作纪律的问题"),
]


def load_finding_types(model: Any) -> None:
    """Create or refresh the shipped types (``model`` is the real or the historical FindingType)."""
    for order, (code, name, description) in enumerate(TYPES, start=1):
        model.objects.update_or_create(
            code=code, defaults={"name": name, "description": description, "order": order * 10}
        )
