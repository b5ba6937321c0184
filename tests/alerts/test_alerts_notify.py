"""Notifications: a digest per subscription and evaluation, through the SMS outbox (file gateway) and a Django
e-mail backend (file backend by default), only to the roles a rule notifies and only inside each person's scope."""

from __future__ import annotations

import json
from datetime import timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from alerts_builders import NOW, at

from pingyi.alerts.evaluate import alerts_evaluate
from pingyi.alerts.models import Alert, AlertKind, Notification
from pingyi.alerts.services import subscription_add
from pingyi.sms.models import SmsMessage
from pingyi.sms.services import outbox_send

LEVELS = [5, 5, 2, 5, 4, 1, 5, 5, 2, 5]


@pytest.fixture
def home(settings, tmp_path) -> Path:
    settings.HOME = tmp_path
    settings.PINGYI_SMS_BACKEND = "pingyi.sms.backends.FileBackend"
    return tmp_path


def _sms_lines(home: Path) -> list[dict]:
    path = home / "sms-outbox.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _emails(folder: Path) -> list:
    messages = []
    for path in sorted(folder.glob("*.log")) if folder.exists() else []:
        for chunk in path.read_bytes().split(b"-" * 79):
            if chunk.strip():
                messages.append(BytesParser(policy=policy.default).parsebytes(chunk.strip() + b"\n"))
    return messages


def test_sms_and_e_mail_reach_the_notified_roles_in_scope_as_one_message_each(world, plant, home):
    users = world.users
    subscription_add(actor=users["inspector"], channel="sms", address="13800138000", kinds=[])
    subscription_add(actor=users["inspector"], channel="email", address="jiwei@example.gov.cn", kinds=[])
    subscription_add(actor=users["unit_a"], channel="sms", address="139 0000 1111", kinds=[])
    subscription_add(actor=users["unit_b"], channel="sms", address="13700002222", kinds=[])  # not its unit
    subscription_add(
        actor=users["hall_manager"], channel="sms", address="13600003333", kinds=[]
    )  # role not notified
    plant.ratings_at(world.window_a, NOW - timedelta(hours=30), LEVELS)
    plant.save()

    result = alerts_evaluate(NOW, kinds=[AlertKind.NEGATIVE_SHARE])
    sent = outbox_send()

    assert Alert.objects.count() == 2  # the window and its unit
    assert result.messages == 3 and result.emails_sent == 1 and sent.sent == 2
    lines = {line["phone"]: line["body"] for line in _sms_lines(home)}
    assert set(lines) == {"13800138000", "13900001111"}
    assert lines["13800138000"].startswith("【评议】预警：") and "等 2 条" in lines["13800138000"]
    assert "/alerts/" in lines["13900001111"]
    [mail] = _emails(home / "mail")
    assert mail["To"] == "jiwei@example.gov.cn" and mail["Subject"] == "【评议】新预警 2 条"
    body = mail.get_content()
    assert all(a.summary in body for a in Alert.objects.all())
    assert SmsMessage.objects.filter(kind="alert").count() == 2
    statuses = set(Notification.objects.values_list("channel", "status"))
    assert statuses == {("sms", Notification.Status.OUTBOX), ("email", Notification.Status.SENT)}
    window_alert = Alert.objects.get(window=world.window_a)
    detail = world.client("inspector").get(f"/alerts/{window_alert.pk}/").content.decode()
    assert (
        "已通知" in detail
        and "138****8000" in detail
        and "jiwei@example.gov.cn" in detail
        and "已发送" in detail
    )
    assert "已通知" not in world.client("unit_a").get(f"/alerts/{window_alert.pk}/").content.decode()


def test_a_hall_manager_hears_of_its_own_halls_silent_windows_only(world, plant, home):
    subscription_add(actor=world.users["hall_manager"], channel="sms", address="13600003333", kinds=[])
    subscription_add(actor=world.users["sub_manager"], channel="sms", address="13500004444", kinds=[])
    for day in (NOW.date() - timedelta(days=d) for d in (5, 2, 1)):  # Friday, Monday, Tuesday
        for hour in range(9, 13):
            plant.record(world.window_a, at(day, hour))
    plant.save()

    alerts_evaluate(NOW, kinds=[AlertKind.SILENT_WINDOW])
    outbox_send()

    assert [line["phone"] for line in _sms_lines(home)] == [
        "13600003333"
    ]  # the sub-centre's manager: not its hall


def test_a_subscription_limited_to_other_kinds_receives_nothing(world, plant, home):
    subscription_add(
        actor=world.users["inspector"],
        channel="email",
        address="jiwei@example.gov.cn",
        kinds=["ticket_due_soon"],
    )
    plant.ratings_at(world.window_a, NOW - timedelta(hours=30), LEVELS)
    plant.save()

    alerts_evaluate(NOW, kinds=[AlertKind.NEGATIVE_SHARE])

    assert Notification.objects.count() == 0 and _emails(home / "mail") == []


def test_an_e_mail_the_server_refuses_stays_queued_and_is_retried_until_the_limit(
    world, plant, home, settings
):
    settings.PINGYI_ALERTS = {
        "email_backend": "django.core.mail.backends.smtp.EmailBackend",
        "email_max_attempts": 2,
    }
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
        "127.0.0.1",
        9,
        2,
    )  # nothing listens there
    subscription_add(
        actor=world.users["inspector"], channel="email", address="jiwei@example.gov.cn", kinds=[]
    )
    plant.ratings_at(world.window_a, NOW - timedelta(hours=30), LEVELS)
    plant.save()

    alerts_evaluate(NOW, kinds=[AlertKind.NEGATIVE_SHARE])
    rows = Notification.objects.all()
    assert {(r.status, r.attempts) for r in rows} == {(Notification.Status.QUEUED, 1)}
    assert rows[0].last_error

    alerts_evaluate(NOW + timedelta(minutes=15), kinds=[AlertKind.NEGATIVE_SHARE])
    assert {(r.status, r.attempts) for r in Notification.objects.all()} == {(Notification.Status.FAILED, 2)}


def test_the_e_mail_folder_is_a_setting(world, plant, home, settings, tmp_path):
    settings.PINGYI_ALERTS = {"email_file_path": str(tmp_path / "outgoing")}
    subscription_add(
        actor=world.users["inspector"], channel="email", address="jiwei@example.gov.cn", kinds=[]
    )
    plant.ratings_at(world.window_a, NOW - timedelta(hours=30), LEVELS)
    plant.save()

    alerts_evaluate(NOW, kinds=[AlertKind.NEGATIVE_SHARE])

    assert len(_emails(tmp_path / "outgoing")) == 1 and _emails(home / "mail") == []
