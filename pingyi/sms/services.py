"""SMS invitations: sampling, the outbox sender and inbound replies.

- ``invitations_sample(day)`` invites a deterministic share of the day's finished, unrated records with an applicant
  phone, plus every record finished PINGYI_SMS_OVERDUE_DAYS or more days before ``day`` that is still unrated and
  was never invited (智能邀评). A record is invited at most once, so reruns add nothing.
- ``outbox_send(limit)`` delivers due messages through the backend, backing off exponentially and marking a message
  failed after PINGYI_SMS_MAX_ATTEMPTS.
- ``sms_inbound(phone, text, received_at)`` turns a reply to an open invitation into a rating of that record
  (channel sms, stage 办结) and answers with thanks, help or "已收到".

Sampling and sending write one audit entry per run and district; replies are ratings, which are sealed per day
instead (see pingyi.ratings.seals), so they write none.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from pingyi.accounts.roles import SYSTEM, Actor
from pingyi.audit.services import audit_record
from pingyi.ledger.models import ServiceRecord
from pingyi.lib import crypto, scales
from pingyi.ratings.channels.sms import adapter as sms_reply
from pingyi.ratings.errors import AlreadyRated, RatingError
from pingyi.ratings.models import Rating
from pingyi.ratings.selectors import deployment_scale
from pingyi.sms.backends import SmsBackend, SmsSendError, get_backend
from pingyi.sms.models import Invitation, SmsMessage

log = logging.getLogger(__name__)


# ---------------------------------------------------------------------------------------------------------- texts
def _sign(text: str) -> str:
    return f"【{settings.PINGYI_SMS_SIGNATURE}】{text}"


def rating_link(record: ServiceRecord) -> str:
    return f"{settings.SITE_URL}/r/{record.rating_code}"


def invitation_text(record: ServiceRecord, scale: scales.Scale) -> str:
    finished = timezone.localtime(record.finished_at or record.received_at)
    what = f"“{record.item.name}”" if record.item_id and record.item else "事项"
    return _sign(
        f"您{finished:%m月%d日}在{record.unit.name}办理的{what}已办结，请对服务进行评价，"
        f"{scales.sms_menu(scale)}。说明原因或留言请点击 {rating_link(record)}"
    )


def thanks_text(record: ServiceRecord) -> str:
    return _sign(f"感谢您的评价！如需说明原因或留言，请点击 {rating_link(record)}")


def ticket_closed_text(tracking_code: str, unit_name: str) -> str:
    return _sign(
        f"您向{unit_name}反映的问题已办结。请点击 {settings.SITE_URL}/track/{tracking_code}/ 查看处理结果，"
        "并评价您对处理结果是否满意。"
    )


def help_text(scale: scales.Scale, *, has_invitation: bool) -> str:
    if has_invitation:
        return _sign(f"未能识别您的回复。请直接回复数字进行评价：{scales.sms_menu(scale)}。")
    return _sign(f"您目前没有待评价的办件。收到评价邀请短信后，请按提示回复数字：{scales.sms_menu(scale)}。")


def already_text() -> str:
    return _sign("已收到您的评价，无需重复回复，感谢您的支持！")


# ---------------------------------------------------------------------------------------------------------- queue
def message_queue(
    *, phone: str, body: str, kind: str, invitation: Invitation | None = None, at: datetime | None = None
) -> SmsMessage:
    message = SmsMessage(kind=kind, body=body, invitation=invitation, next_attempt_at=at or timezone.now())
    message.set_phone(phone)
    message.save()
    return message


# ------------------------------------------------------------------------------------------------------- sampling
@dataclass(frozen=True)
class SampleResult:
    day: date
    sampled: int
    overdue: int


def in_sample(record_id: int, rate: float) -> bool:
    """Deterministic per record (a keyed hash of its id), so reruns pick the same and staff cannot predict it."""
    if rate <= 0:
        return False
    if rate >= 1:
        return True
    digest = crypto.blind_index(str(record_id), purpose="sms-sample")
    return int(digest[:8], 16) / 0x1_0000_0000 < rate


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def invitable_records() -> QuerySet[ServiceRecord]:
    """Finished records with an applicant phone, without a 办结 (or unstaged) rating and never invited."""
    rated = Rating.objects.filter(record=OuterRef("pk"), stage__in=[Rating.Stage.FINISHED, Rating.Stage.NONE])
    return (
        ServiceRecord.objects.filter(finished_at__isnull=False)
        .exclude(phone_index="")
        .exclude(Exists(rated))
        .exclude(Exists(Invitation.objects.filter(record=OuterRef("pk"))))
        .select_related("unit", "item")
    )


def _invite(record: ServiceRecord, reason: str, scale: scales.Scale, now: datetime) -> bool:
    phone = record.phone_plain()
    if not phone:
        return False
    with transaction.atomic():
        invitation, created = Invitation.objects.get_or_create(
            record=record,
            defaults={
                "reason": reason,
                "expires_at": now + timedelta(days=settings.PINGYI_SMS_INVITATION_DAYS),
            },
        )
        if not created:
            return False
        message_queue(
            phone=phone,
            body=invitation_text(record, scale),
            kind=SmsMessage.Kind.INVITATION,
            invitation=invitation,
        )
    return True


def invitations_sample(day: date, rate: float | None = None, *, actor: Actor = SYSTEM) -> SampleResult:
    rate = settings.PINGYI_SMS_SAMPLE_RATE if rate is None else rate
    scale = deployment_scale()
    now = timezone.now()
    start, end = _day_bounds(day)
    per_district: Counter[tuple[int, str]] = Counter()
    sampled = overdue = 0
    for record in invitable_records().filter(finished_at__gte=start, finished_at__lt=end).order_by("id"):
        if in_sample(record.pk, rate) and _invite(record, Invitation.Reason.SAMPLE, scale, now):
            sampled += 1
            per_district[(record.district_id, "sampled")] += 1
    # 智能邀评: finished on or before day - N (and not longer ago than the upper limit).
    overdue_end = _day_bounds(day - timedelta(days=settings.PINGYI_SMS_OVERDUE_DAYS))[1]
    overdue_start = _day_bounds(day - timedelta(days=settings.PINGYI_SMS_OVERDUE_MAX_DAYS))[0]
    for record in invitable_records().filter(finished_at__gte=overdue_start, finished_at__lt=overdue_end):
        if _invite(record, Invitation.Reason.OVERDUE, scale, now):
            overdue += 1
            per_district[(record.district_id, "overdue")] += 1
    for district_id in sorted({d for d, _ in per_district}):
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="sms.sample",
                district_id=district_id,
                object_type="sms.invitation",
                object_repr=f"短信邀评 {day.isoformat()}",
                after={
                    "day": day.isoformat(),
                    "rate": rate,
                    "sampled": per_district[(district_id, "sampled")],
                    "overdue": per_district[(district_id, "overdue")],
                },
            )
    return SampleResult(day, sampled, overdue)


# --------------------------------------------------------------------------------------------------------- outbox
@dataclass(frozen=True)
class SendResult:
    sent: int
    retrying: int
    failed: int


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=settings.PINGYI_SMS_RETRY_SECONDS * 2 ** max(attempts - 1, 0))


def _district_of_message(message: SmsMessage) -> int | None:
    if message.invitation_id is None:
        return None
    return (
        ServiceRecord.objects.filter(sms_invitation=message.invitation_id)
        .values_list("district_id", flat=True)
        .first()
    )


def _send_one(message_id: int, backend: SmsBackend) -> str:
    with transaction.atomic():
        message = (
            SmsMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=SmsMessage.Status.QUEUED, next_attempt_at__lte=timezone.now())
            .first()
        )
        if message is None:
            return "skipped"  # another sender took it
        message.attempts += 1
        try:
            message.provider_ref = backend.send(message.phone_plain(), message.body)[:100]
        except SmsSendError as exc:
            message.last_error = str(exc)[:300]
            if message.attempts >= settings.PINGYI_SMS_MAX_ATTEMPTS:
                message.status = SmsMessage.Status.FAILED
                outcome = "failed"
            else:
                message.next_attempt_at = timezone.now() + _backoff(message.attempts)
                outcome = "retrying"
            log.warning("sms %s attempt %s failed: %s", message.pk, message.attempts, exc)
        else:
            message.status = SmsMessage.Status.SENT
            message.sent_at = timezone.now()
            message.last_error = ""
            outcome = "sent"
            if message.invitation_id is not None:
                Invitation.objects.filter(pk=message.invitation_id, sent_at__isnull=True).update(
                    sent_at=message.sent_at
                )
        message.save()
    return outcome


def outbox_send(limit: int | None = None, *, actor: Actor = SYSTEM) -> SendResult:
    """Send up to ``limit`` due messages; one audit entry per district summarises the run."""
    limit = settings.PINGYI_SMS_BATCH if limit is None else limit
    backend = get_backend()
    due = list(
        SmsMessage.objects.filter(status=SmsMessage.Status.QUEUED, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    counts: Counter[str] = Counter()
    per_district: Counter[tuple[int | None, str]] = Counter()
    for message_id in due:
        outcome = _send_one(message_id, backend)
        counts[outcome] += 1
        if outcome != "skipped":
            message = SmsMessage.objects.get(pk=message_id)
            per_district[(_district_of_message(message), outcome)] += 1
    for district_id in sorted({d for d, _ in per_district}, key=lambda d: (d is None, d or 0)):
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="sms.send",
                district_id=district_id,
                object_type="sms.smsmessage",
                object_repr="短信发送批次",
                after={k: per_district[(district_id, k)] for k in ("sent", "retrying", "failed")},
            )
    return SendResult(counts["sent"], counts["retrying"], counts["failed"])


# -------------------------------------------------------------------------------------------------------- inbound
@dataclass(frozen=True)
class InboundResult:
    outcome: str  # rated, help, duplicate, already_rated, refused, muted, ignored
    rating: Rating | None = None
    reply: SmsMessage | None = None


def _open_invitations(phone_index: str, at: datetime) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(record__phone_index=phone_index, sent_at__isnull=False, expires_at__gt=at)
        .select_related("record")
        .order_by("-created_at", "-id")
    )


def _reply(phone: str, phone_index: str, body: str, kind: str, *, counted: bool = True) -> SmsMessage | None:
    """Queue an automatic answer; help and notices are capped per phone and day (no loops with auto-responders)."""
    if counted:
        since = timezone.now() - timedelta(days=1)
        recent = SmsMessage.objects.filter(
            phone_index=phone_index,
            created_at__gte=since,
            kind__in=[SmsMessage.Kind.HELP, SmsMessage.Kind.THANKS],
        ).count()
        if recent >= settings.PINGYI_SMS_AUTO_REPLIES_PER_DAY:
            return None
    return message_queue(phone=phone, body=body, kind=kind)


def sms_inbound(phone: str, text: str, received_at: datetime | None = None) -> InboundResult:
    """Handle one reply from ``phone``."""
    try:
        phone = crypto.normalize_phone(phone)
    except ValueError:
        return InboundResult("ignored")
    received_at = received_at or timezone.now()
    phone_index = crypto.blind_index(phone)
    scale = deployment_scale()
    invitations = list(_open_invitations(phone_index, received_at)[:20])
    open_ones = [i for i in invitations if i.answered_rating_id is None]
    if not invitations:
        reply = _reply(phone, phone_index, help_text(scale, has_invitation=False), SmsMessage.Kind.HELP)
        return InboundResult("help" if reply else "muted", reply=reply)
    level = scales.from_sms_reply(scale, text or "")
    if not open_ones:
        if level is None:
            reply = _reply(phone, phone_index, help_text(scale, has_invitation=False), SmsMessage.Kind.HELP)
            return InboundResult("help" if reply else "muted", reply=reply)
        reply = _reply(phone, phone_index, already_text(), SmsMessage.Kind.THANKS)
        return InboundResult("duplicate", reply=reply)
    if level is None:
        reply = _reply(phone, phone_index, help_text(scale, has_invitation=True), SmsMessage.Kind.HELP)
        return InboundResult("help" if reply else "muted", reply=reply)
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().select_related("record").get(pk=open_ones[0].pk)
        if invitation.answered_rating_id is not None:  # a concurrent reply won
            reply = _reply(phone, phone_index, already_text(), SmsMessage.Kind.THANKS)
            return InboundResult("duplicate", reply=reply)
        record = invitation.record
        try:
            rating = sms_reply.submit(record, scale=scale, level=level, phone=phone, received_at=received_at)
        except AlreadyRated:
            reply = _reply(phone, phone_index, _sign("该办件已评价，无需重复评价。"), SmsMessage.Kind.THANKS)
            return InboundResult("already_rated", reply=reply)
        except RatingError as exc:
            log.warning("sms reply for invitation %s refused: %s", invitation.pk, exc.message)
            reply = _reply(phone, phone_index, _sign(f"评价未能提交：{exc.message}"), SmsMessage.Kind.HELP)
            return InboundResult("refused", reply=reply)
        invitation.answered_rating = rating
        invitation.save(update_fields=["answered_rating"])
        reply = _reply(phone, phone_index, thanks_text(record), SmsMessage.Kind.THANKS, counted=False)
    return InboundResult("rated", rating=rating, reply=reply)
