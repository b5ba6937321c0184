"""Comparison runs and the anomalies they find (数据比对 / 异常)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pingyi.oversight.facts.models import (  # the facts' tables, in their package
    BurstDay,
    DeviceMonth,
    FactDay,
    FactState,
    HoursSeen,
    PhoneMonth,
    RatDay,
    RecDay,
    SilentDay,
)


class AnomalyKind(models.TextChoices):
    """The stable names of the anomaly types (docs/oversight.md explains each)."""

    UNDER_REPORTING = "under_reporting", _("漏报/瞒报")
    SELECTIVE_REPORTING = "selective_reporting", _("选择性上报")
    FALSE_REPORTING = "false_reporting", _("虚报")
    RATING_FRAUD = "rating_fraud", _("刷评/交叉互评")
    PHONE_SWAP = "phone_swap", _("回访号码调换")
    SILENT_WINDOW = "silent_window", _("沉默窗口")
    LATE_ENTRY = "late_entry", _("投诉后补录")


class ComparisonRun(models.Model):
    """One run of the comparison engine over a period of one district."""

    class Trigger(models.TextChoices):
        COMMAND = "command", _("命令行")
        NIGHTLY = "nightly", _("每晚定时")
        BACK_OFFICE = "back_office", _("后台手动")
        DEMO = "demo", _("演示数据")

    class Status(models.TextChoices):
        RUNNING = "running", _("运行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    district = models.ForeignKey(
        "catalog.District", verbose_name=_("区"), on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField(_("起始日期"))
    period_end = models.DateField(_("截止日期"))
    trigger = models.CharField(_("触发方式"), max_length=12, choices=Trigger.choices)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("耗时（毫秒）"), null=True, blank=True)
    # {"under_reporting": {"found": 3, "new": 1}, ...}
    counts = models.JSONField(_("各类数量"), default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = _("比对运行")
        verbose_name_plural = _("比对运行")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.period_start}—{self.period_end}"


class Anomaly(models.Model):
    """A finding of the comparison engine: scope, period, score, evidence and an inspector's status.

    ``key`` is stable per type, scope and period, so a rerun of the same period updates the row instead of adding
    one. Status: open → under_inspection → confirmed | dismissed (a dismissal carries a reason; an open anomaly may
    be dismissed directly). A dismissed anomaly reopens only when a rerun brings clearly more evidence.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        UNDER_INSPECTION = "under_inspection", _("核查中")
        CONFIRMED = "confirmed", _("已确认")
        DISMISSED = "dismissed", _("已排除")

    id = models.BigAutoField(primary_key=True)
    key = models.CharField(_("标识"), max_length=120, unique=True)
    kind = models.CharField(_("类型"), max_length=24, choices=AnomalyKind.choices)
    district = models.ForeignKey(
        "catalog.District", verbose_name=_("区"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "catalog.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="anomalies"
    )
    window = models.ForeignKey(
        "catalog.Window",
        verbose_name=_("窗口"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="anomalies",
    )
    staff = models.ForeignKey(
        "catalog.Staff",
        verbose_name=_("工作人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="anomalies",
    )
    period_start = models.DateField(_("起始日期"))
    period_end = models.DateField(_("截止日期"))
    score = models.FloatField(_("评分"))
    summary = models.CharField(_("摘要"), max_length=300)
    # The numbers and sample ids a person checks in one screen; the "count" entry is the size of the finding.
    evidence = models.JSONField(_("证据"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.OPEN)
    status_note = models.TextField(_("处理说明"), blank=True)
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The evidence size when dismissed: a rerun reopens only with clearly more (PINGYI_OVERSIGHT_REOPEN_GROWTH).
    dismissed_count = models.PositiveIntegerField(_("排除时证据数"), null=True, blank=True)
    first_found_at = models.DateTimeField(_("首次发现"), auto_now_add=True)
    last_found_at = models.DateTimeField(_("最近发现"))
    last_run = models.ForeignKey(
        ComparisonRun,
        verbose_name=_("最近运行"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="anomalies",
    )

    class Meta:
        verbose_name = _("异常")
        verbose_name_plural = _("异常")
        ordering = ["-score", "-id"]
        indexes = [
            models.Index(fields=["district", "status", "-score"]),
            models.Index(fields=["unit", "period_start"]),
            models.Index(fields=["kind", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.summary[:60]}"


__all__ = [
    "Anomaly",
    "AnomalyKind",
    "BurstDay",
    "ComparisonRun",
    "DeviceMonth",
    "FactDay",
    "FactState",
    "HoursSeen",
    "PhoneMonth",
    "RatDay",
    "RecDay",
    "SilentDay",
]
