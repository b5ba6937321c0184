"""The inspections' choices: how units are chosen (Kind), how they are inspected (Method), an inspection's Status.

Models, services, forms and pages all use them; they depend on nothing of the app.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """How the units of a plan are chosen (随机查 / 重点查 / 定点查 / 暗访)."""

    RANDOM = "random", _("随机查")
    TARGETED = "targeted", _("重点查")
    ANOMALY = "anomaly", _("定点查")
    UNANNOUNCED = "unannounced", _("暗访")


class Method(models.TextChoices):
    COMPARISON = "comparison", _("数据比对")
    CALLBACK = "callback", _("回访抽查")
    ONSITE = "onsite", _("现场核查")
    UNANNOUNCED = "unannounced", _("暗访")


def method_labels(codes: list[str]) -> str:
    labels = dict(Method.choices)
    return gettext("、").join(str(labels.get(code, code)) for code in codes)


class Status(models.TextChoices):
    PLANNED = "planned", _("待检查")
    IN_PROGRESS = "in_progress", _("检查中")
    FINDINGS_RECORDED = "findings_recorded", _("问题已认定")
    FEEDBACK_SENT = "feedback_sent", _("已反馈")
    RECTIFYING = "rectifying", _("整改中")
    CLOSED = "closed", _("已办结")
