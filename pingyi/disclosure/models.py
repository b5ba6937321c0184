"""Bulletins (通报): what inspectors make public, drafted, reviewed by a second inspector, published, withdrawn."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    TYPICAL = "typical", _("典型问题通报")
    MONTHLY = "monthly", _("月度通报")
    SPECIAL = "special", _("专项检查通报")


class State(models.TextChoices):
    DRAFTED = "drafted", _("草稿")
    REVIEWED = "reviewed", _("已审核")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


class Bulletin(models.Model):
    """A 通报 of a district. Only a published one is public; names of sanctioned people only when ``show_names``."""

    district = models.ForeignKey(
        "catalog.District", verbose_name=_("区"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    show_names = models.BooleanField(_("公开被问责人姓名"), default=False)
    inspections = models.ManyToManyField(
        "inspections.Inspection", verbose_name=_("相关监督检查"), blank=True, related_name="+"
    )
    accountability = models.ManyToManyField(
        "accountability.AccountabilityRecord", verbose_name=_("相关问责处理"), blank=True, related_name="+"
    )
    tickets = models.ManyToManyField(
        "tickets.Ticket", verbose_name=_("相关工单"), blank=True, related_name="+"
    )
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.DRAFTED)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("起草人"), on_delete=models.PROTECT, related_name="+"
    )
    drafted_at = models.DateTimeField(_("起草时间"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤回人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdraw_reason = models.TextField(_("撤回理由"), blank=True)

    class Meta:
        verbose_name = _("通报")
        verbose_name_plural = _("通报")
        ordering = ["-published_at", "-drafted_at", "-id"]
        indexes = [models.Index(fields=["district", "state", "published_at"])]

    def __str__(self) -> str:
        return self.title
