"""The schedules inspectors enter (a State Council notice per year) and the gaps the calendar ran into."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class HolidayNotice(models.Model):
    """The State Council's holiday notice for one year (国务院办公厅关于某年部分节假日安排的通知).

    When a notice exists for a year, it is the whole truth for that year: the days it lists as holidays are off, the
    days it lists as 调休 working days are on, every other day follows Monday–Friday. Years without a notice fall back
    to chinese-calendar; a year neither knows is an error.
    """

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    title = models.CharField(_("通知标题"), max_length=200)
    url = models.URLField(_("通知链接"), max_length=500)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("录入时间"), auto_now=True)

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class DayOverride(models.Model):
    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("放假")
        WORKDAY = "workday", _("调休上班")

    notice = models.ForeignKey(HolidayNotice, on_delete=models.CASCADE, related_name="days")
    day = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    name = models.CharField(_("节日"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("调整日")
        verbose_name_plural = _("调整日")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.get_kind_display()} {self.name}"


class CalendarGap(models.Model):
    """A year someone needed that no schedule covers: shown to inspectors until a notice is entered."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    first_seen = models.DateTimeField(_("发现时间"), auto_now_add=True)
    context = models.CharField(_("发生在"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("缺失的年度安排")
        verbose_name_plural = _("缺失的年度安排")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)
