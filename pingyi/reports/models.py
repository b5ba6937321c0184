"""A generated report: its scope and period, its progress while the worker builds it, and the files it produced."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Report(models.Model):
    """A monthly or yearly report of a district (``unit`` empty) or of one unit, as Excel and PDF.

    The figures are kept as computed (JSON) beside the two files, so what was handed out never changes afterwards.
    """

    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("月报")
        YEARLY = "yearly", _("年报")

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        FAILED = "failed", _("生成失败")
        DONE = "done", _("已生成")

    district = models.ForeignKey(
        "catalog.District", verbose_name=_("区"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "catalog.Unit",
        verbose_name=_("单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    period_start = models.DateField(_("起始日期"))
    period_end = models.DateField(_("截止日期"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    steps_done = models.PositiveSmallIntegerField(_("已完成步骤"), default=0)
    step_label = models.CharField(_("当前步骤"), max_length=100, blank=True)
    figures = models.JSONField(_("数据"), default=dict, blank=True)
    narrative = models.TextField(_("文字稿"), blank=True)
    xlsx = models.BinaryField(_("Excel 文件"), null=True, blank=True)
    pdf = models.BinaryField(_("PDF 文件"), null=True, blank=True)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("生成人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    # When a worker took the job (queued → running); a job still running long after is reaped (pingyi.ops.reaper).
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("统计报告")
        verbose_name_plural = _("统计报告")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["district", "created_at"])]

    def __str__(self) -> str:
        return f"{self.title}（{self.get_status_display()}）"

    @property
    def scope_name(self) -> str:
        return self.unit.name if self.unit_id and self.unit else f"{self.district.name}（全区）"

    @property
    def period_label(self) -> str:
        if self.kind == self.Kind.YEARLY:
            return f"{self.period_start.year}年"
        return f"{self.period_start.year}年{self.period_start.month}月"

    @property
    def title(self) -> str:
        return f"{self.scope_name}{self.period_label}评议工作{self.get_kind_display()}"

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}

    @property
    def percent(self) -> int:
        from pingyi.reports.runner import STEPS

        if self.finished:
            return 100
        return min(99, self.steps_done * 100 // len(STEPS))

    @property
    def file_stem(self) -> str:
        scope = self.unit.code if self.unit_id and self.unit else self.district.code
        return f"report-{scope}-{self.period_start:%Y%m}-{self.kind}"
