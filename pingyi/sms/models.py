"""SMS invitations (短信邀评) and the outbox every message goes through.

An ``Invitation`` asks the applicant of one finished record to rate it by replying with a digit; a record is invited
at most once. ``SmsMessage`` is the outbox: the sender (``services.outbox_send``) delivers due messages through the
configured backend with exponential back-off. Phones are encrypted at rest (EncryptedPhone); replies are matched by
the blind index, never by the plain number.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from pingyi.lib.phonefields import EncryptedPhone


def new_invitation_token() -> str:
    return "S" + secrets.token_urlsafe(9)


class Invitation(models.Model):
    class Reason(models.TextChoices):
        SAMPLE = "sample", _("抽样邀评")
        OVERDUE = "overdue", _("智能邀评")

    id = models.BigAutoField(primary_key=True)
    record = models.OneToOneField(
        "ledger.ServiceRecord",
        verbose_name=_("办件"),
        on_delete=models.PROTECT,
        related_name="sms_invitation",
    )
    token = models.CharField(_("令牌"), max_length=20, unique=True, default=new_invitation_token)
    reason = models.CharField(_("原因"), max_length=10, choices=Reason.choices)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("有效期至"))
    answered_rating = models.ForeignKey(
        "ratings.Rating",
        verbose_name=_("回复形成的评价"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("短信邀评")
        verbose_name_plural = _("短信邀评")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"{self.token} → {self.record_id}"


class SmsMessage(EncryptedPhone):
    class Status(models.TextChoices):
        QUEUED = "queued", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("邀评")
        HELP = "help", _("帮助")
        THANKS = "thanks", _("致谢")
        TICKET = "ticket", _("办结回访")
        ALERT = "alert", _("预警")

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    body = models.TextField(_("内容"))
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次发送时间"))
    provider_ref = models.CharField(_("网关编号"), max_length=100, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)
    invitation = models.ForeignKey(
        Invitation,
        verbose_name=_("邀评"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="messages",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("短信")
        verbose_name_plural = _("短信")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["phone_index", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} {self.phone_masked} {self.get_status_display()}"
