"""Ratings (append-only), QR posters, window devices, reason tags and daily seals."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pingyi.lib.phonefields import EncryptedPhone
from pingyi.lib.scales import CHANNEL_LABELS, Channel, Scale


def new_poster_token() -> str:
    return "W" + secrets.token_urlsafe(9)


# Upper-case letters and digits without look-alikes, easy to read out on the phone: 32 of them, so the low five bits
# of a random byte pick one uniformly (256 = 8 x 32), ten random bytes a code.
TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_TRACKING_TABLE = bytes(ord(TRACKING_ALPHABET[b % 32]) for b in range(256))


def new_tracking_code() -> str:
    return secrets.token_bytes(10).translate(_TRACKING_TABLE).decode("ascii")


class ReasonTag(models.Model):
    """A reason a citizen can tick (评价标签); sets are versioned, the first digit of a code is its star level."""

    version = models.CharField(_("版本"), max_length=20)
    code = models.CharField(_("代码"), max_length=10)
    level5 = models.PositiveSmallIntegerField(_("星级"))
    label = models.CharField(_("标签"), max_length=100)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("评价标签")
        verbose_name_plural = _("评价标签")
        ordering = ["version", "code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="reason_tag_unique_in_version")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class QrPoster(models.Model):
    """One printed QR poster of a window. A reprint retires the previous version; an expired one rates nothing."""

    window = models.ForeignKey(
        "catalog.Window", verbose_name=_("窗口"), on_delete=models.PROTECT, related_name="posters"
    )
    version = models.PositiveIntegerField(_("版本"))
    token = models.CharField(_("令牌"), max_length=20, unique=True, default=new_poster_token)
    issued_at = models.DateTimeField(_("印发时间"), auto_now_add=True)
    expires_on = models.DateField(_("有效期至"))
    retired_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("印发人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("二维码海报")
        verbose_name_plural = _("二维码海报")
        ordering = ["window_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["window", "version"], name="poster_version_unique_per_window")
        ]

    def __str__(self) -> str:
        return f"{self.window} v{self.version}"


class Device(models.Model):
    """An evaluation pad or terminal at a window; it authenticates with a token of which only the digest is kept."""

    class Kind(models.TextChoices):
        PAD = "pad", _("评价器（平板）")
        TERMINAL = "terminal", _("其他终端")

    window = models.ForeignKey(
        "catalog.Window", verbose_name=_("窗口"), on_delete=models.PROTECT, related_name="devices"
    )
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.PAD)
    token_digest = models.CharField(_("令牌摘要"), max_length=64, unique=True)
    active = models.BooleanField(_("启用"), default=True)
    registered_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评价设备")
        verbose_name_plural = _("评价设备")

    def __str__(self) -> str:
        return f"{self.window} {self.name}"


class Rating(EncryptedPhone):
    """One rating (评价). Append-only: nothing edits or deletes it; later decisions are separate records.

    ``level`` is on ``scale``; ``level5`` is the same answer on the national five-level scale (lib.scales), used for
    every cross-scale count. The optional callback phone is encrypted (EncryptedPhone); fingerprints are salted hashes.
    """

    class Kind(models.TextChoices):
        FIRST = "first", _("首次评价")
        FOLLOW_UP = "follow_up", _("追加评价")

    class Stage(models.TextChoices):
        NONE = "", _("不分环节")
        ACCEPTED = "accepted", _("受理")
        FINISHED = "finished", _("办结")

    id = models.BigAutoField(primary_key=True)
    # No single-column index on district, unit, window or staff: the (column, rated_at) indexes below serve every
    # lookup by them, and each index is paid by every rating stored (P1, decision 0016).
    district = models.ForeignKey(
        "catalog.District", verbose_name=_("区"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    unit = models.ForeignKey(
        "catalog.Unit",
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        related_name="ratings",
        db_index=False,
    )
    window = models.ForeignKey(
        "catalog.Window",
        verbose_name=_("窗口"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ratings",
        db_index=False,
    )
    staff = models.ForeignKey(
        "catalog.Staff",
        verbose_name=_("工作人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ratings",
        db_index=False,
    )
    item = models.ForeignKey(
        "catalog.ServiceItem",
        verbose_name=_("事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ratings",
    )
    record = models.ForeignKey(
        "ledger.ServiceRecord",
        verbose_name=_("办件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ratings",
    )
    channel = models.CharField(
        _("渠道"), max_length=20, choices=[(c.value, label) for c, label in CHANNEL_LABELS.items()]
    )
    scale = models.CharField(_("评价制"), max_length=5, choices=[(s.value, s.value) for s in Scale])
    level = models.PositiveSmallIntegerField(_("等级"))
    level5 = models.PositiveSmallIntegerField(_("五级等级"))
    negative = models.BooleanField(_("差评"))
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.FIRST)
    stage = models.CharField(_("环节"), max_length=10, choices=Stage.choices, default=Stage.NONE, blank=True)
    is_default = models.BooleanField(_("系统默认评价"), default=False)
    follows = models.ForeignKey(
        "self",
        verbose_name=_("追加于"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    tag_version = models.CharField(_("标签版本"), max_length=20, blank=True)
    tags = models.JSONField(_("评价标签"), default=list, blank=True)
    dimensions = models.JSONField(_("分项评分"), default=dict, blank=True)
    comment = models.TextField(_("评价内容"), blank=True)
    tracking_code = models.CharField(_("查询码"), max_length=12, null=True, blank=True, unique=True)
    device = models.ForeignKey(
        Device,
        verbose_name=_("评价设备"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ratings",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entered_ratings",
    )
    external_ref = models.CharField(_("外部编号"), max_length=64, blank=True)
    device_fp = models.CharField(_("设备指纹"), max_length=64, blank=True, db_index=True)
    network_fp = models.CharField(_("网络指纹"), max_length=64, blank=True)
    flags = models.JSONField(_("风险标记"), default=list, blank=True)
    rated_at = models.DateTimeField(_("评价时间"))
    # Set by the database layer at insert (a default, not auto_now_add, so that a bulk load of history can keep it).
    received_at = models.DateTimeField(_("接收时间"), default=timezone.now)

    class Meta:
        verbose_name = _("评价")
        verbose_name_plural = _("评价")
        ordering = ["-rated_at"]
        constraints = [
            # One first rating per record and stage (该办件已评价); follow-ups are their own kind.
            models.UniqueConstraint(
                fields=["record", "stage"],
                condition=Q(kind="first", record__isnull=False),
                name="one_first_rating_per_record_stage",
            ),
            models.CheckConstraint(condition=Q(level5__gte=1, level5__lte=5), name="rating_level5_range"),
        ]
        indexes = [
            models.Index(fields=["district", "rated_at"]),
            models.Index(fields=["unit", "rated_at"]),
            models.Index(fields=["window", "rated_at"]),
            models.Index(fields=["staff", "rated_at"]),
            models.Index(fields=["received_at"]),
            models.Index(fields=["phone_index", "rated_at"]),
            # 原因分析 reads only the non-satisfied active ratings (well under 1 %): a small partial index.
            models.Index(
                fields=["district", "rated_at"],
                condition=Q(level5__lte=3, is_default=False),
                name="rating_unsatisfied_district",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_channel_display()} {self.level5}★"

    @property
    def channel_enum(self) -> Channel:
        return Channel(self.channel)


class DailySeal(models.Model):
    """The digest of one day's ratings (by ``received_at``), written into the audit chain when the day is sealed."""

    day = models.DateField(_("日期"), unique=True)
    count = models.PositiveIntegerField(_("评价数"))
    digest = models.CharField(_("摘要"), max_length=64)
    audit_seq = models.BigIntegerField(_("审计序号"))
    sealed_at = models.DateTimeField(_("封存时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("每日封存")
        verbose_name_plural = _("每日封存")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day} {self.count}"


class StaffDevice(models.Model):
    """A device fingerprint seen on a signed-in staff, unit or hall account; a rating from it is flagged."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    device_fp = models.CharField(max_length=64, db_index=True)
    first_seen = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("工作人员设备")
        verbose_name_plural = _("工作人员设备")
        constraints = [models.UniqueConstraint(fields=["user", "device_fp"], name="staff_device_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.device_fp[:8]}"
