"""SMS invitations: who is invited, the outbox and its retries, replies that become ratings, the webhook."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_q.models import Schedule

from pingyi.audit.models import AuditEntry
from pingyi.ledger.models import ServiceRecord
from pingyi.lib.scales import Channel, Scale
from pingyi.ratings.intake import RatingInput, rating_submit
from pingyi.ratings.models import Rating
from pingyi.sms.models import Invitation, SmsMessage
from pingyi.sms.services import in_sample, invitations_sample, outbox_send, sms_inbound
from pingyi.sms.tasks import ensure_schedules

DAY = date(2026, 3, 10)


def at(day: date, hour: int = 15) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def make_record(world: Any, n: int, *, finished: date = DAY, phone: str | None = "auto") -> ServiceRecord:
    record = ServiceRecord(
        district=world.district,
        unit=world.unit_a,
        window=world.window_a,
        staff=world.staff_a,
        item=world.item_a,
        record_no=f"SJ-{n:05d}",
        received_at=at(finished, 9),
        finished_at=at(finished),
        source=ServiceRecord.Source.MANUAL,
    )
    if phone:
        record.set_phone(f"1350000{n:04d}" if phone == "auto" else phone)
    record.save()
    return record


@pytest.fixture
def outbox(settings: Any, tmp_path: Path) -> Path:
    settings.HOME = tmp_path
    settings.PINGYI_SMS_BACKEND = "pingyi.sms.backends.FileBackend"
    return tmp_path / "sms-outbox.jsonl"


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def invited(world: Any, n: int, outbox: Path) -> ServiceRecord:
    """A record whose invitation has gone out."""
    record = make_record(world, n)
    invitations_sample(DAY, rate=1.0)
    outbox_send()
    assert Invitation.objects.get(record=record).sent_at is not None
    return record


def test_sampling_takes_a_share_of_the_days_unrated_records_with_a_phone_and_reruns_add_nothing(world):
    records = [make_record(world, n) for n in range(200)]
    no_phone = make_record(world, 900, phone=None)
    rated = make_record(world, 901)
    rating_submit(RatingInput(channel=Channel.QR, scale=Scale.FIVE, level=5, record=rated, stage="finished"))
    other_day = make_record(world, 902, finished=DAY + timedelta(days=1))

    result = invitations_sample(DAY, rate=0.3)
    picked = set(Invitation.objects.values_list("record_id", flat=True))
    assert result.sampled == len(picked) and result.overdue == 0
    assert 30 <= len(picked) <= 90  # about 30 % of 200 (binomial: ±4.6 sigma, the key differs per home)
    assert picked == {r.pk for r in records if in_sample(r.pk, 0.3)}
    assert not picked & {no_phone.pk, rated.pk, other_day.pk}
    assert SmsMessage.objects.filter(kind="invitation", status="queued").count() == len(picked)
    entry = AuditEntry.objects.get(action="sms.sample")
    assert entry.after["sampled"] == len(picked) and entry.district_id == world.district.pk

    assert invitations_sample(DAY, rate=0.3).sampled == 0  # the same records again: none new
    assert Invitation.objects.count() == len(picked)
    # A higher share on a rerun adds only the newly picked ones.
    invitations_sample(DAY, rate=1.0)
    assert Invitation.objects.count() == 200


def test_invitations_carry_the_menu_and_the_link_for_reasons(world, settings):
    settings.SITE_URL = "https://pingyi.example.cn"
    record = make_record(world, 1)
    invitations_sample(DAY, rate=1.0)
    body = SmsMessage.objects.get().body
    assert "区市场监管局" in body and "个体工商户设立登记" in body
    assert "回复5非常满意，4满意，3基本满意，2不满意，1非常不满意" in body
    assert f"https://pingyi.example.cn/r/{record.rating_code}" in body
    assert "张敏" not in body  # staff are never named to the citizen


def test_records_still_unrated_n_days_after_finishing_are_invited_once(world, settings):
    settings.PINGYI_SMS_OVERDUE_DAYS = 3
    old = make_record(world, 1, finished=DAY - timedelta(days=3))
    older = make_record(world, 2, finished=DAY - timedelta(days=10))
    recent = make_record(world, 3, finished=DAY - timedelta(days=2))
    rated = make_record(world, 4, finished=DAY - timedelta(days=5))
    rating_submit(RatingInput(channel=Channel.PAD, scale=Scale.FIVE, level=4, record=rated, stage="finished"))
    ancient = make_record(world, 5, finished=DAY - timedelta(days=400))

    result = invitations_sample(DAY, rate=0.0)
    assert (result.sampled, result.overdue) == (0, 2)
    overdue = Invitation.objects.filter(reason="overdue")
    assert set(overdue.values_list("record_id", flat=True)) == {old.pk, older.pk}
    assert not Invitation.objects.filter(record__in=[recent, rated, ancient]).exists()
    # The next day the record finished two days ago becomes due; the others are not invited twice.
    assert invitations_sample(DAY + timedelta(days=1), rate=0.0).overdue == 1
    assert Invitation.objects.filter(record=recent, reason="overdue").exists()
    assert Invitation.objects.count() == 3


def test_the_outbox_writes_one_line_per_message_and_marks_it_sent(world, outbox):
    record = make_record(world, 7)
    invitations_sample(DAY, rate=1.0)
    result = outbox_send()
    assert (result.sent, result.retrying, result.failed) == (1, 0, 0)
    [line] = lines(outbox)
    message = SmsMessage.objects.get()
    assert (
        line["phone"] == "13500000007" and line["body"] == message.body and line["id"] == message.provider_ref
    )
    assert message.status == "sent" and message.attempts == 1
    assert Invitation.objects.get(record=record).sent_at == message.sent_at
    assert outbox_send().sent == 0 and len(lines(outbox)) == 1  # nothing is sent twice
    assert AuditEntry.objects.get(action="sms.send").after == {"sent": 1, "retrying": 0, "failed": 0}


def test_a_failing_gateway_is_retried_with_growing_pauses_then_the_message_fails(world, settings, outbox):
    settings.PINGYI_SMS_BACKEND = "pingyi.sms.backends.FailingBackend"
    settings.PINGYI_SMS_MAX_ATTEMPTS = 3
    settings.PINGYI_SMS_RETRY_SECONDS = 60
    make_record(world, 8)
    invitations_sample(DAY, rate=1.0)
    pauses = []
    for attempt in (1, 2):
        before = timezone.now()
        assert outbox_send().retrying == 1
        message = SmsMessage.objects.get()
        assert message.status == "queued" and message.attempts == attempt and "不可用" in message.last_error
        pauses.append(round((message.next_attempt_at - before).total_seconds() / 60))
        assert outbox_send().retrying == 0  # not due yet
        SmsMessage.objects.update(next_attempt_at=timezone.now())  # the pause has passed
    assert pauses == [1, 2]
    assert outbox_send().failed == 1
    message = SmsMessage.objects.get()
    assert message.status == "failed" and message.attempts == 3
    assert outbox_send().failed == 0 and not lines(outbox)
    assert Invitation.objects.get().sent_at is None


def test_a_message_that_failed_once_goes_out_when_the_gateway_is_back(world, settings, outbox):
    settings.PINGYI_SMS_BACKEND = "pingyi.sms.backends.FailingBackend"
    make_record(world, 9)
    invitations_sample(DAY, rate=1.0)
    outbox_send()
    settings.PINGYI_SMS_BACKEND = "pingyi.sms.backends.FileBackend"
    SmsMessage.objects.update(next_attempt_at=timezone.now())
    assert outbox_send().sent == 1
    assert SmsMessage.objects.get().attempts == 2 and len(lines(outbox)) == 1


@pytest.mark.parametrize(
    ("reply", "level", "label"), [("1", 3, "满意"), ("2", 2, "基本满意"), ("3", 1, "不满意")]
)
def test_replies_on_the_three_level_scale(world, settings, outbox, reply, level, label):
    settings.PINGYI_RATING_SCALE = "three"
    record = invited(world, 11, outbox)
    assert "回复1满意，2基本满意，3不满意" in lines(outbox)[0]["body"]
    result = sms_inbound("13500000011", f" {reply} ")
    rating = Rating.objects.get()
    assert result.outcome == "rated" and result.rating == rating
    assert (rating.record, rating.channel, rating.stage, rating.scale, rating.level) == (
        record,
        "sms",
        "finished",
        "three",
        level,
    )
    assert rating.negative == (label == "不满意") and rating.phone_masked == "135****0011"
    assert Invitation.objects.get().answered_rating == rating
    thanks = SmsMessage.objects.get(kind="thanks")
    assert "感谢您的评价" in thanks.body and f"/r/{record.rating_code}" in thanks.body


@pytest.mark.parametrize("reply", ["1", "2", "3", "4", "５"])
def test_replies_on_the_five_level_scale_are_star_counts(world, outbox, reply):
    record = invited(world, 12, outbox)
    sms_inbound("+86 135-0000-0012", reply)
    rating = Rating.objects.get(record=record)
    assert rating.level == rating.level5 == int(reply.replace("５", "5"))


def test_anything_else_gets_the_menu_and_no_rating(world, outbox):
    invited(world, 13, outbox)
    result = sms_inbound("13500000013", "hello")
    assert result.outcome == "help" and not Rating.objects.exists()
    assert "未能识别" in result.reply.body and "回复5非常满意" in result.reply.body
    # A number without any invitation gets the menu too, and no rating.
    stranger = sms_inbound("13700009999", "1")
    assert stranger.outcome == "help" and "没有待评价的办件" in stranger.reply.body
    assert not Rating.objects.exists()


def test_a_second_answer_is_acknowledged_without_a_second_rating(world, outbox):
    invited(world, 14, outbox)
    assert sms_inbound("13500000014", "5").outcome == "rated"
    second = sms_inbound("13500000014", "1")
    assert second.outcome == "duplicate" and "已收到您的评价" in second.reply.body
    assert Rating.objects.count() == 1 and Rating.objects.get().level == 5


def test_automatic_answers_to_one_phone_are_capped(world, settings, outbox):
    settings.PINGYI_SMS_AUTO_REPLIES_PER_DAY = 2
    outcomes = [sms_inbound("13700009999", "?").outcome for _ in range(4)]
    assert outcomes == ["help", "help", "muted", "muted"]
    assert SmsMessage.objects.filter(kind="help").count() == 2


def test_an_expired_or_unsent_invitation_takes_no_reply(world, settings, outbox):
    settings.PINGYI_SMS_BACKEND = "pingyi.sms.backends.FailingBackend"
    make_record(world, 15)
    invitations_sample(DAY, rate=1.0)
    assert sms_inbound("13500000015", "5").outcome == "help"  # never delivered
    settings.PINGYI_SMS_BACKEND = "pingyi.sms.backends.FileBackend"
    SmsMessage.objects.update(next_attempt_at=timezone.now())
    outbox_send()
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert sms_inbound("13500000015", "5").outcome == "help"
    assert not Rating.objects.exists()


def test_the_webhook_needs_the_shared_secret(world, settings, outbox):
    invited(world, 16, outbox)
    url = "/operator/sms/inbound"
    payload = json.dumps({"from": "13500000016", "text": "4"})
    settings.PINGYI_SMS_INBOUND_SECRET = ""
    disabled = Client().post(
        url, payload, content_type="application/json", headers={"X-Pingyi-Sms-Secret": ""}
    )
    assert disabled.status_code == 403 and "未启用" in disabled.json()["error"]["message"]
    settings.PINGYI_SMS_INBOUND_SECRET = "s3cret-gateway"
    for headers in ({}, {"X-Pingyi-Sms-Secret": "wrong"}):
        refused = Client().post(url, payload, content_type="application/json", headers=headers)
        assert refused.status_code == 403 and refused.json()["error"]["message"] == "短信回复接口密钥不正确"
    assert not Rating.objects.exists()
    client = Client(enforce_csrf_checks=True)
    ok = client.post(
        url, payload, content_type="application/json", headers={"X-Pingyi-Sms-Secret": "s3cret-gateway"}
    )
    assert ok.status_code == 200 and ok.json() == {"ok": True, "outcome": "rated"}
    form = client.post(
        url, {"from": "13500000016", "text": "1"}, headers={"X-Pingyi-Sms-Secret": "s3cret-gateway"}
    )
    assert form.json() == {"ok": True, "outcome": "duplicate"}
    assert Rating.objects.get().level == 4
    assert client.get(url, headers={"X-Pingyi-Sms-Secret": "s3cret-gateway"}).status_code == 405
    bad = client.post(url, {"text": "1"}, headers={"X-Pingyi-Sms-Secret": "s3cret-gateway"})
    assert bad.status_code == 400


def test_phones_are_encrypted_at_rest(world, outbox):
    invited(world, 17, outbox)
    sms_inbound("13500000017", "hello")
    for table in (SmsMessage._meta.db_table, Invitation._meta.db_table):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608
            rows = cursor.fetchall()
        assert rows and not any("13500000017" in str(value) for row in rows for value in row)
    assert {m.phone_masked for m in SmsMessage.objects.all()} == {"135****0017"}
    assert {m.phone_plain() for m in SmsMessage.objects.all()} == {"13500000017"}


def test_the_command_samples_sends_and_takes_a_reply(world, outbox, capsys):
    record = make_record(world, 18)
    call_command("sms", "sample", "--date", DAY.isoformat(), "--rate", "1")
    call_command("sms", "send")
    call_command("sms", "inbound", "13500000018", "2")
    out = capsys.readouterr().out
    assert "抽样邀评 1 条" in out and "已发送 1 条" in out and "rated rating=" in out
    assert Rating.objects.get().record == record


def test_schedules_are_created_once(db):
    ensure_schedules()
    ensure_schedules()
    sample = Schedule.objects.get(name="pingyi.sms.sample")
    send = Schedule.objects.get(name="pingyi.sms.send")
    assert Schedule.objects.count() == 2
    assert sample.schedule_type == Schedule.DAILY and timezone.localtime(sample.next_run).hour == 18
    assert send.schedule_type == Schedule.MINUTES and send.minutes == 1
    assert sample.func == "pingyi.sms.tasks.sample_today" and send.func == "pingyi.sms.tasks.send_due"


def test_the_link_in_the_thanks_sms_takes_the_reasons_and_a_comment_as_a_follow_up(world, outbox):
    record = invited(world, 1, outbox)
    sms_inbound(record.phone_plain(), "1", timezone.now())
    first = Rating.objects.get(record=record)
    thanks = SmsMessage.objects.filter(kind="thanks").latest("id").body
    link = thanks.split("请点击 ")[1].split()[0]
    path = "/" + link.split("/", 3)[3]
    page = Client().get(path)
    assert page.status_code == 200 and "追加评价" in page.content.decode()
    token = re.search(r'name="ft" value="([^"]+)"', page.content.decode())[1]  # the page's form token
    response = Client().post(path, {"level": "1", "tags": ["113"], "comment": "跑了三趟", "ft": token})
    assert response.status_code == 200
    follow_up = Rating.objects.get(record=record, kind="follow_up")
    assert follow_up.follows == first and follow_up.comment == "跑了三趟"
