"""What operations keeps in the database: the worker's heartbeat and the duration counts of its jobs.

Both are written by the worker and read by whichever web process answers /readyz or /metrics, so they work with any
number of hosts and processes (no per-process state is reported).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """One row per beating thing (``worker``): when its scheduled heartbeat job last ran, and where."""

    name = models.CharField(_("名称"), max_length=40, primary_key=True)
    beat_at = models.DateTimeField(_("最近心跳"))
    host = models.CharField(_("主机"), max_length=255, blank=True)
    pid = models.IntegerField(_("进程号"), null=True, blank=True)

    class Meta:
        verbose_name = _("心跳")
        verbose_name_plural = _("心跳")

    def __str__(self) -> str:
        return f"{self.name} {self.beat_at:%Y-%m-%d %H:%M:%S}"


class JobTiming(models.Model):
    """How long the worker's runs of one job function took: a cumulative histogram (``buckets`` counts the runs
    that took at most each bound of ``timings.BOUNDS``), the sum, the count and the last run."""

    func = models.CharField(_("任务函数"), max_length=200, primary_key=True)
    count = models.BigIntegerField(_("次数"), default=0)
    failures = models.BigIntegerField(_("失败次数"), default=0)
    total_seconds = models.FloatField(_("总耗时（秒）"), default=0.0)
    buckets = models.JSONField(_("分桶计数"), default=list)
    last_seconds = models.FloatField(_("最近一次耗时（秒）"), null=True, blank=True)
    last_at = models.DateTimeField(_("最近一次"), null=True, blank=True)

    class Meta:
        verbose_name = _("任务耗时")
        verbose_name_plural = _("任务耗时")

    def __str__(self) -> str:
        return f"{self.func} ×{self.count}"
