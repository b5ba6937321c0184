"""Accountability (问责处理), 纪检监察建议书 to units, and the mechanisms (制度机制) units build in response.

Each rests on tickets found true (pingyi.tickets) or confirmed inspection findings (pingyi.inspections). The models
lived in the tickets app until the redesign: they keep the tables they had there (``db_table``), with every row.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class SanctionType(models.Model):
    """Kinds of 问责 as data (seeded from the regulations; a district may add its own)."""

    class Category(models.TextChoices):
        ORGANISATIONAL = "organisational", _("组织处理")
        GOVERNMENT = "government", _("政务处分")
        PARTY = "party", _("党纪处分")

    code = models.CharField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices)
    severity = models.PositiveSmallIntegerField(_("轻重顺序"))
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("问责方式")
        verbose_name_plural = _("问责方式")
        db_table = "tickets_sanctiontype"
        ordering = ["category", "severity"]

    def __str__(self) -> str:
        return f"{self.get_category_display()} · {gettext(self.name)}"  # shipped names: sanctions.py


class AccountabilityRecord(models.Model):
    """A decision holding a person accountable, with the tickets and inspection findings that justify it."""

    district = models.ForeignKey("catalog.District", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        "catalog.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    staff = models.ForeignKey(
        "catalog.Staff",
        verbose_name=_("工作人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    person_name = models.CharField(_("姓名"), max_length=50)
    person_title = models.CharField(_("职务"), max_length=100, blank=True)
    sanction = models.ForeignKey(
        SanctionType, verbose_name=_("问责方式"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("问责事由"))
    document_no = models.CharField(_("文号"), max_length=60, blank=True)
    decided_on = models.DateField(_("决定日期"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    tickets = models.ManyToManyField(
        "tickets.Ticket", verbose_name=_("相关工单"), blank=True, related_name="accountability"
    )
    findings = models.ManyToManyField(
        "inspections.Finding", verbose_name=_("相关检查发现"), blank=True, related_name="accountability"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("问责处理")
        verbose_name_plural = _("问责处理")
        db_table = "tickets_accountabilityrecord"
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return f"{self.person_name} · {self.sanction.name}"


class Suggestion(models.Model):
    """纪检监察建议书: what is wrong in a unit and what it must do, with a reply deadline."""

    district = models.ForeignKey("catalog.District", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        "catalog.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("文号"), max_length=60)
    issues = models.TextField(_("存在问题"))
    suggestions = models.TextField(_("监察建议"))
    reply_by = models.DateField(_("反馈期限"))
    issued_on = models.DateField(_("发出日期"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    tickets = models.ManyToManyField("tickets.Ticket", blank=True, related_name="+")
    findings = models.ManyToManyField("inspections.Finding", blank=True, related_name="+")

    class Meta:
        verbose_name = _("纪检监察建议书")
        verbose_name_plural = _("纪检监察建议书")
        db_table = "tickets_suggestion"
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["district", "number"], name="suggestion_number_unique")
        ]

    def __str__(self) -> str:
        return self.number


class Mechanism(models.Model):
    """A rule or practice a unit adopted (制度机制), linked to what prompted it."""

    district = models.ForeignKey("catalog.District", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        "catalog.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("名称"), max_length=200)
    description = models.TextField(_("主要内容"))
    adopted_on = models.DateField(_("建立日期"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    suggestion = models.ForeignKey(
        Suggestion,
        verbose_name=_("对应建议书"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mechanisms",
    )
    tickets = models.ManyToManyField(
        "tickets.Ticket", verbose_name=_("起因工单"), blank=True, related_name="+"
    )
    findings = models.ManyToManyField(
        "inspections.Finding", verbose_name=_("起因检查发现"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("制度机制")
        verbose_name_plural = _("制度机制")
        db_table = "tickets_mechanism"
        ordering = ["-adopted_on", "-id"]

    def __str__(self) -> str:
        return self.title
