"""Alert rules (thresholds as data), the alerts they raise, who subscribes to them and what was sent.

The four kinds and every threshold are explained in docs/alerts.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pingyi.lib.phonefields import EncryptedPhone


class AlertKind(models.TextChoices):
    """The stable names of the alert kinds."""

    NEGATIVE_SHARE = "negative_share", _("差评占比过高")
    SILENT_WINDOW = "silent_window", _("窗口无评价")
    STALLED_LEVEL = "stalled_level", _("评价等级停滞")
    TICKET_DUE_SOON = "ticket_due_soon", _("工单即将逾期")


# The roles a rule may notify (by SMS or e-mail, through their subscriptions).
NOTIFIABLE_ROLES = ("inspector", "hall_manager", "unit_admin")


class AlertRule(models.Model):
    """One kind of alert for a scope: the whole district, one unit, or one window.

    A subject (a unit, a window, a ticket …) is judged by the narrowest rule of its kind that covers it: a window
    rule before its unit's rule before the district's rule. A disabled narrower rule therefore silences that kind for
    its scope. Each kind reads only its own thresholds (``KIND_FIELDS`` in ``defaults.py``); the others stay empty.
    """

    district = models.ForeignKey(
        "catalog.District", verbose_name=_("区"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=AlertKind.choices)
    unit = models.ForeignKey(
        "catalog.Unit",
        verbose_name=_("单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    window = models.ForeignKey(
        "catalog.Window",
        verbose_name=_("窗口"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    enabled = models.BooleanField(_("启用"), default=True)
    percent = models.FloatField(_("差评占比阈值（%）"), null=True, blank=True)
    hours = models.PositiveIntegerField(_("小时数"), null=True, blank=True)
    min_ratings = models.PositiveIntegerField(_("最少评价数"), null=True, blank=True)
    working_days = models.PositiveIntegerField(_("工作日数"), null=True, blank=True)
    min_records = models.PositiveIntegerField(_("最少办件数"), null=True, blank=True)
    history_working_days = models.PositiveIntegerField(_("基线工作日数"), null=True, blank=True)
    min_expected = models.FloatField(_("最少应有条数"), null=True, blank=True)
    notify_roles = models.JSONField(_("通知角色"), default=list, blank=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("预警规则")
        verbose_name_plural = _("预警规则")
        ordering = ["district_id", "kind", "unit_id", "window_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "kind"],
                condition=Q(unit__isnull=True, window__isnull=True),
                name="alert_rule_one_district_default_per_kind",
            ),
            models.UniqueConstraint(
                fields=["kind", "unit"],
                condition=Q(unit__isnull=False, window__isnull=True),
                name="alert_rule_one_per_unit_and_kind",
            ),
            models.UniqueConstraint(
                fields=["kind", "window"],
                condition=Q(window__isnull=False),
                name="alert_rule_one_per_window_and_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.scope_label}"

    @property
    def scope_label(self) -> str:
        if self.window_id:
            return str(self.window)
        if self.unit_id:
            return str(self.unit)
        return str(_("全区默认"))


class Alert(models.Model):
    """An alert raised by a rule about one subject, with the evidence numbers.

    ``subject_key`` names the subject (``unit:3``, ``window:12``, ``window:12:level:2``, ``ticket:55:visit`` …).
    While ``cleared_at`` is empty the condition still held at the last evaluation and no second alert is raised
    for the same rule and subject, whether this one is open, acknowledged or closed by hand. When the condition no
    longer holds the alert is cleared (and closed if it was not); a later recurrence raises a new alert.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        ACKNOWLEDGED = "acknowledged", _("已知悉")
        CLOSED = "closed", _("已关闭")

    class CloseReason(models.TextChoices):
        CLEARED = "cleared", _("条件已消除")
        MANUAL = "manual", _("人工关闭")

    id = models.BigAutoField(primary_key=True)
    rule = models.ForeignKey(
        AlertRule, verbose_name=_("规则"), on_delete=models.PROTECT, related_name="alerts"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=AlertKind.choices)
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
    window = models.ForeignKey(
        "catalog.Window",
        verbose_name=_("窗口"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("工单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    level = models.PositiveSmallIntegerField(_("评价等级"), null=True, blank=True)  # on the deployment scale
    subject_key = models.CharField(_("对象"), max_length=80)
    summary = models.CharField(_("摘要"), max_length=300)
    evidence = models.JSONField(_("触发时证据"), default=dict, blank=True)
    latest = models.JSONField(_("最近一次评估"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.OPEN)
    raised_at = models.DateTimeField(_("触发时间"))
    last_seen_at = models.DateTimeField(_("最近一次成立"))
    cleared_at = models.DateTimeField(_("条件消除时间"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("知悉时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("知悉人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("关闭人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    close_reason = models.CharField(_("关闭原因"), max_length=10, choices=CloseReason.choices, blank=True)
    note = models.TextField(_("处理说明"), blank=True)

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "subject_key"],
                condition=Q(cleared_at__isnull=True),
                name="alert_one_uncleared_per_rule_subject",
            ),
        ]
        indexes = [
            models.Index(fields=["district", "status", "-raised_at"]),
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["rule", "cleared_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.summary[:60]}"

    @property
    def summary_display(self) -> str:
        """The summary in the reader's language (``summary`` keeps the Chinese text sent by SMS and e-mail)."""
        from pingyi.alerts.summaries import summary_text

        return summary_text(self)

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.CLOSED


class Channel(models.TextChoices):
    SMS = "sms", _("短信")
    EMAIL = "email", _("电子邮件")


class AlertSubscription(EncryptedPhone):
    """Where a person wants alerts sent: a phone (encrypted like every phone) or an e-mail address.

    A subscription receives the alerts whose rule notifies the person's role and which lie in the person's scope;
    ``kinds`` narrows that to some kinds (empty: every kind).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="alert_subscriptions",
    )
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    email = models.EmailField(_("电子邮箱"), blank=True)
    kinds = models.JSONField(_("预警类型"), default=list, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("预警订阅")
        verbose_name_plural = _("预警订阅")
        ordering = ["user_id", "channel", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(channel="sms") & ~Q(phone_index="")) | (Q(channel="email") & ~Q(email="")),
                name="alert_subscription_has_address",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.address_display}"

    @property
    def address_display(self) -> str:
        """The phone masked, or the e-mail address."""
        return self.phone_masked if self.channel == Channel.SMS else self.email


class Notification(models.Model):
    """One alert sent to one subscription. Alerts raised together reach a subscription as one message (a digest),
    so the rows of one digest share their SMS message or their e-mail."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("待发送")
        OUTBOX = "outbox", _("已交短信发件箱")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    id = models.BigAutoField(primary_key=True)
    alert = models.ForeignKey(
        Alert, verbose_name=_("预警"), on_delete=models.CASCADE, related_name="notifications"
    )
    subscription = models.ForeignKey(
        AlertSubscription,
        verbose_name=_("订阅"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    address = models.CharField(_("地址"), max_length=254)  # masked phone or e-mail address
    digest = models.CharField(_("批次"), max_length=32)
    # E-mail: queued → sent | failed here. SMS: handed to the SMS outbox, whose message carries the delivery state.
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    sms = models.ForeignKey(
        "sms.SmsMessage",
        verbose_name=_("短信"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("预警通知")
        verbose_name_plural = _("预警通知")
        ordering = ["id"]
        indexes = [models.Index(fields=["channel", "status"])]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.address} {self.get_status_display()}"

    @property
    def delivery_label(self) -> str:
        """The state a person cares about: for SMS, the outbox's own state of the message."""
        if self.channel == Channel.SMS and self.sms is not None:
            return str(self.sms.get_status_display())
        return str(self.get_status_display())
