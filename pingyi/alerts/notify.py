"""Notification backends: where a raised alert goes besides the app.

- In the app: nothing to send. Every alert is in the alert list (and the home page's count) of everyone whose scope
  covers it (``selectors.visible_alerts``, ``selectors.home_card``).
- SMS (``SmsNotifier``): one message per subscription and evaluation, queued in the SMS outbox
  (``pingyi.sms.services.message_queue``); the outbox sends it through the configured gateway, retries, and keeps
  the delivery state. The default gateway writes PINGYI_HOME/sms-outbox.jsonl.
- E-mail (``EmailNotifier``): one message per subscription and evaluation through a Django e-mail backend; by
  default the file backend, writing under PINGYI_HOME/mail, so nothing leaves the machine (``defaults.py``).

Who receives an alert: each active subscription of a person whose role the alert's rule notifies, whose scope
covers the alert (``accounts.scopes.restrict``) and, when the subscription names kinds, only those kinds.
"""

from __future__ import annotations

import logging
import secrets
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import Q
from django.utils import timezone

from pingyi.accounts.roles import has_role
from pingyi.accounts.scopes import restrict
from pingyi.alerts.defaults import alert_settings
from pingyi.alerts.models import Alert, AlertSubscription, Channel, Notification
from pingyi.sms.services import message_queue

log = logging.getLogger(__name__)

# The SmsMessage kind of alert messages.
SMS_KIND = "alert"
FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"


def _link(alert: Alert | None = None) -> str:
    return f"{settings.SITE_URL}/alerts/{alert.pk}/" if alert else f"{settings.SITE_URL}/alerts/"


def sms_text(alerts: list[Alert]) -> str:
    more = f"等 {len(alerts)} 条" if len(alerts) > 1 else ""
    return f"【{settings.PINGYI_SMS_SIGNATURE}】预警：{alerts[0].summary}{more}。请登录 {_link()} 查看处理。"


def email_subject(alerts: list[Alert]) -> str:
    return f"【{settings.PINGYI_SMS_SIGNATURE}】新预警 {len(alerts)} 条"


def email_body(alerts: list[Alert]) -> str:
    lines = [f"评议监督平台新触发 {len(alerts)} 条预警：", ""]
    for alert in alerts:
        lines += [f"· [{alert.get_kind_display()}] {alert.summary}", f"  {_link(alert)}"]
    lines += ["", "本邮件由系统自动发送，请勿回复。"]
    return "\n".join(lines)


def _rows(
    subscription: AlertSubscription, alerts: list[Alert], digest: str, **extra: object
) -> list[Notification]:
    return [
        Notification(
            alert=alert,
            subscription=subscription,
            user=subscription.user,
            channel=subscription.channel,
            address=subscription.address_display,
            digest=digest,
            **extra,  # type: ignore[arg-type]
        )
        for alert in alerts
    ]


class SmsNotifier:
    channel = Channel.SMS

    def queue(self, *, subscription: AlertSubscription, alerts: list[Alert], digest: str) -> None:
        message = message_queue(phone=subscription.phone_plain(), body=sms_text(alerts), kind=SMS_KIND)
        Notification.objects.bulk_create(
            _rows(subscription, alerts, digest, status=Notification.Status.OUTBOX, sms=message)
        )


class EmailNotifier:
    channel = Channel.EMAIL

    def queue(self, *, subscription: AlertSubscription, alerts: list[Alert], digest: str) -> None:
        Notification.objects.bulk_create(_rows(subscription, alerts, digest))

    def connection(self) -> BaseEmailBackend:
        config = alert_settings()
        extra: dict[str, Any] = (
            {"file_path": config.email_file_path} if config.email_backend == FILE_BACKEND else {}
        )
        return get_connection(backend=config.email_backend, **extra)

    def send_pending(self) -> int:
        """Send queued e-mails, one per digest; a failure is retried at the next run up to the configured limit."""
        config = alert_settings()
        pending = (
            Notification.objects.filter(channel=Channel.EMAIL, status=Notification.Status.QUEUED)
            .select_related("alert")
            .order_by("id")
        )
        digests: dict[tuple[str, str], list[Notification]] = defaultdict(list)
        for row in pending:
            digests[(row.digest, row.address)].append(row)
        sent = 0
        connection = self.connection()
        for (_, address), rows in digests.items():
            alerts = [row.alert for row in rows]
            message = EmailMessage(
                email_subject(alerts), email_body(alerts), config.email_from, [address], connection=connection
            )
            ids = [row.pk for row in rows]
            attempts = rows[0].attempts + 1
            try:
                message.send()
            except Exception as exc:  # noqa: BLE001  (any backend error: keep it, retry later)
                log.warning("alert e-mail to %s failed: %s", address, exc)
                status = Notification.Status.FAILED if attempts >= config.email_max_attempts else None
                Notification.objects.filter(pk__in=ids).update(
                    attempts=attempts, last_error=str(exc)[:300], **({"status": status} if status else {})
                )
                continue
            Notification.objects.filter(pk__in=ids).update(
                status=Notification.Status.SENT, attempts=attempts, sent_at=timezone.now(), last_error=""
            )
            sent += 1
        return sent


SMS, EMAIL = SmsNotifier(), EmailNotifier()
NOTIFIERS: dict[str, SmsNotifier | EmailNotifier] = {Channel.SMS: SMS, Channel.EMAIL: EMAIL}


def recipients(alerts: Iterable[Alert]) -> dict[AlertSubscription, list[Alert]]:
    """Each subscription and the alerts it receives (see the module's docstring)."""
    by_id = {alert.pk: alert for alert in alerts}
    if not by_id:
        return {}
    districts = {alert.district_id for alert in by_id.values()}
    subscriptions = (
        AlertSubscription.objects.filter(active=True, user__is_active=True)
        .filter(
            Q(user__district_id__in=districts)
            | Q(user__hall__district_id__in=districts)
            | Q(user__unit__district_id__in=districts)
        )
        .select_related("user")
        .order_by("id")
    )
    visible: dict[int, set[int]] = {}
    result: dict[AlertSubscription, list[Alert]] = {}
    for subscription in subscriptions:
        user = subscription.user
        if user.pk not in visible:
            visible[user.pk] = set(
                restrict(Alert.objects.filter(pk__in=by_id), user).values_list("pk", flat=True)
            )
        chosen = [
            by_id[pk]
            for pk in sorted(visible[user.pk])
            if has_role(user, by_id[pk].rule.notify_roles)
            and (not subscription.kinds or by_id[pk].kind in subscription.kinds)
        ]
        if chosen:
            result[subscription] = chosen
    return result


def notify_raised(alerts: list[Alert]) -> int:
    """Queue the notifications of newly raised alerts (inside the raising transaction); returns the messages."""
    digest = secrets.token_hex(8)
    messages = 0
    for subscription, chosen in recipients(alerts).items():
        NOTIFIERS[subscription.channel].queue(subscription=subscription, alerts=chosen, digest=digest)
        messages += 1
    return messages


def email_send_pending() -> int:
    return EMAIL.send_pending()
