"""An import job: one uploaded file, its validation, its progress and its row-level errors."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("处理中")
        FAILED = "failed", _("有错误，未导入")
        DONE = "done", _("已导入")

    kind = models.CharField(_("类型"), max_length=40)
    district = models.ForeignKey(
        "catalog.District", verbose_name=_("区"), on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_jobs",
    )
    file_path = models.CharField(_("文件"), max_length=500)
    original_name = models.CharField(_("文件名"), max_length=255)
    size = models.BigIntegerField(_("大小"), default=0)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.IntegerField(_("总行数"), default=0)
    processed_rows = models.IntegerField(_("已检查行数"), default=0)
    created_count = models.IntegerField(_("新增"), default=0)
    updated_count = models.IntegerField(_("更新"), default=0)
    error_count = models.IntegerField(_("错误数"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    # When a worker took the job (queued → running); a job still running long after is reaped (pingyi.ops.reaper).
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # What the kind hands the importer once (one-time passwords), encrypted; emptied when shown (decision 0028).
    handout = models.TextField(_("一次性交付内容（密文）"), blank=True, default="")

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.original_name}"

    @property
    def percent(self) -> int:
        if self.status in {self.Status.DONE, self.Status.FAILED}:
            return 100
        if not self.total_rows:
            return 0
        return min(99, int(self.processed_rows * 100 / self.total_rows))

    @property
    def kind_label(self) -> str:
        from pingyi.imports.kinds import all_kinds

        kind = all_kinds().get(self.kind)
        return kind.label if kind else self.kind

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}
