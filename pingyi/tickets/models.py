"""Tickets (工单): one per 差评 or complaint, routed to the unit that served, with its timeline."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pingyi.lib.phonefields import EncryptedPhone
from pingyi.tickets.choices import Source, State, Verdict
from pingyi.tickets.workflow import ACTIONS, EVENT_LABELS, FIELD_LABELS


def overdue_q(now: datetime) -> models.Q:
    """Open tickets past a deadline: the return visit while still open, or the rectification (``Ticket.overdue``)."""
    return ~models.Q(state=State.CLOSED) & (
        models.Q(state=State.OPEN, visit_due__lt=now) | models.Q(rectify_due__lt=now)
    )


def _last_day(deadline: datetime | None) -> date | None:
    return timezone.localtime(deadline - timedelta(microseconds=1)).date() if deadline else None


class Ticket(EncryptedPhone):
    """The citizen's phone (for the return visit) is encrypted; pages show it masked."""

    id = models.BigAutoField(primary_key=True)
    tracking_code = models.CharField(_("查询码"), max_length=12, unique=True)
    district = models.ForeignKey("catalog.District", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        "catalog.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="tickets"
    )
    window = models.ForeignKey(
        "catalog.Window",
        verbose_name=_("窗口"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    staff = models.ForeignKey(
        "catalog.Staff",
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rating = models.OneToOneField(
        "ratings.Rating",
        verbose_name=_("评价"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ticket",
    )
    record = models.ForeignKey(
        "ledger.ServiceRecord",
        verbose_name=_("办件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    summary = models.TextField(_("问题描述"))
    state = models.CharField(_("状态"), max_length=14, choices=State.choices, default=State.OPEN)
    verdict = models.CharField(_("核实结论"), max_length=10, choices=Verdict.choices, blank=True)
    opened_at = models.DateTimeField(_("立单时间"), default=timezone.now)
    visit_due = models.DateTimeField(_("回访期限"), null=True, blank=True)
    rectify_due = models.DateTimeField(_("整改期限"), null=True, blank=True)
    visited_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    revoked = models.BooleanField(_("差评已撤销"), default=False)
    reopened = models.PositiveSmallIntegerField(_("退回次数"), default=0)
    escalation = models.PositiveSmallIntegerField(_("督办次数"), default=0)
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)
    appeal_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handling_level = models.PositiveSmallIntegerField(_("群众对处理的评价"), null=True, blank=True)

    class Meta:
        verbose_name = _("工单")
        verbose_name_plural = _("工单")
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["district", "state"]),
            models.Index(fields=["unit", "state"]),
            models.Index(fields=["state", "rectify_due"]),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.unit}"

    @property
    def visit_due_day(self) -> object:
        """The last day of the return-visit deadline (the deadline itself is 24:00 of it)."""
        return _last_day(self.visit_due)

    @property
    def rectify_due_day(self) -> object:
        return _last_day(self.rectify_due)

    @property
    def is_open(self) -> bool:
        return self.state != State.CLOSED

    def overdue(self, now: object | None = None) -> str:
        """'visit' or 'rectify' when that deadline has passed on an open ticket, else ''."""
        moment = now or timezone.now()
        if self.state == State.OPEN and self.visit_due and self.visit_due < moment:  # type: ignore[operator]
            return "visit"
        if self.is_open and self.rectify_due and self.rectify_due < moment:  # type: ignore[operator]
            return "rectify"
        return ""


class TicketEvent(models.Model):
    """One step of the timeline; ``data`` holds the step's fields (who called, what the citizen said, evidence…)."""

    id = models.BigAutoField(primary_key=True)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(_("操作人"), max_length=150)
    action = models.CharField(_("动作"), max_length=30)
    from_state = models.CharField(max_length=14, blank=True)
    to_state = models.CharField(max_length=14, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    public = models.BooleanField(_("群众可见"), default=False)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.action}"

    def get_action_label(self) -> str:
        action = ACTIONS.get(self.action)
        return action.title if action else str(EVENT_LABELS.get(self.action, self.action))

    @property
    def to_state_label(self) -> str:
        return str(State(self.to_state).label) if self.to_state in State.values else self.to_state

    @property
    def data_items(self) -> list[tuple[str, str]]:
        shown = []
        for key, value in self.data.items():
            if key == "verdict" and value in Verdict.values:
                value = Verdict(value).label
            if key == "called_at" and isinstance(value, str):
                value = timezone.localtime(datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M")
            if value in ("", None):
                continue
            if key in FIELD_LABELS or key == "cctv_ref":
                shown.append((str(FIELD_LABELS.get(key, gettext("监控录像编号"))), str(value)))
        return shown


class TicketFile(models.Model):
    """Evidence or proof attached to a step (verification, rectification), kept with its SHA-256 (lib.uploads)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="files")
    event = models.ForeignKey(TicketEvent, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(_("文件名"), max_length=255)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content = models.BinaryField(_("内容"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name
