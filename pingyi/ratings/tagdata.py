"""Reason-tag sets shipped with pingyi (loaded by a data migration; editable afterwards as data).

``2020``: the set seen in provincial 好差评 specifications (domain.md §4). The 1★ and 2★ labels are those of the
specifications; the 3★–5★ codes exist there too, and their labels here are our wording of the same themes — a
province replaces them by loading its own version. ``2019``: the retired first set (codes 101–107 …), kept so that
old data still reads.
"""

from __future__ import annotations

from typing import Any

CURRENT_VERSION = "2020"

TAG_SETS: dict[str, list[tuple[str, int, str]]] = {
    "2020": [
        ("108", 1, "在办事指南之外增加新的审批条件"),
        ("109", 1, "需提供办事指南之外的申报材料"),
        ("110", 1, "无理由超过法定办理时间"),
        ("111", 1, "办事指南提供样本有错"),
        ("112", 1, "承诺在线收取申报材料实际无法收取"),
        ("113", 1, "多头跑窗口和部门"),
        ("114", 1, "跑动次数与承诺的不一致"),
        ("115", 1, "服务态度差效率低"),
        ("207", 2, "没有提供材料样本"),
        ("208", 2, "没有提供材料清单"),
        ("209", 2, "未在承诺时间内办结"),
        ("210", 2, "同样内容的证明材料被要求多次提交"),
        ("211", 2, "承诺网办但无法在线办理"),
        ("212", 2, "在线预约办理后到实体大厅重复取号排队"),
        ("213", 2, "窗口人员业务不熟练"),
        ("214", 2, "服务态度生硬"),
        ("307", 3, "办事指南不够清晰"),
        ("308", 3, "等候时间较长"),
        ("309", 3, "材料要求解释不够清楚"),
        ("310", 3, "需要多次往返才能办完"),
        ("311", 3, "线上线下信息不一致"),
        ("312", 3, "现场引导不够到位"),
        ("313", 3, "办理进度不够透明"),
        ("314", 3, "服务态度一般"),
        ("406", 4, "办事指南清楚"),
        ("407", 4, "材料齐全一次办好"),
        ("408", 4, "在承诺时间内办结"),
        ("409", 4, "窗口人员业务熟练"),
        ("410", 4, "等候时间较短"),
        ("411", 4, "现场引导清楚"),
        ("412", 4, "可以网上办理"),
        ("413", 4, "服务态度好"),
        ("510", 5, "办事指南准确易懂"),
        ("511", 5, "一次办好不用跑"),
        ("512", 5, "提前办结"),
        ("513", 5, "主动帮办代办"),
        ("514", 5, "业务精通解答专业"),
        ("515", 5, "全程网办方便快捷"),
        ("516", 5, "服务热情周到"),
        ("517", 5, "环境整洁秩序好"),
    ],
    "2019": [
        ("101", 1, "办事指南与实际不符"),
        ("102", 1, "办事效率低"),
        ("103", 1, "服务态度差"),
        ("104", 1, "多次跑动"),
        ("105", 1, "超时办结"),
        ("106", 1, "要求提供额外材料"),
        ("107", 1, "其他问题"),
    ],
}

# On-site dimensions (现场评价分项), scored 1–5 stars.
DIMENSIONS: list[tuple[str, str]] = [
    ("overall", "整体满意度"),
    ("efficiency", "服务效率"),
    ("competence", "服务水平"),
    ("attitude", "服务态度"),
]


def load_tag_sets(reason_tag_model: Any) -> None:
    """Insert the shipped tag sets that are missing (used by migration 0002, and by tests after a flush)."""
    for version, tags in TAG_SETS.items():
        for code, level5, label in tags:
            reason_tag_model.objects.get_or_create(
                version=version,
                code=code,
                defaults={"level5": level5, "label": label, "active": version == CURRENT_VERSION},
            )
