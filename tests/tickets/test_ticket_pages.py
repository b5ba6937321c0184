"""The ticket pages: scoped to the unit that served, steps offered to who may take them, phones never shown to the
unit, the citizen's tracking page without internal notes or names."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from pingyi.audit.models import AuditEntry
from pingyi.tickets.choices import State, Verdict
from pingyi.tickets.models import Ticket
from pingyi.tickets.services import ticket_act


def _visit_post(client, ticket):
    called = (timezone.localtime() - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
    return client.post(
        f"/tickets/{ticket.pk}/",
        {
            "action": "visit",
            "visit-caller": "王科长",
            "visit-called_at": called,
            "visit-citizen_said": "嫌等得久",
        },
    )


def test_the_unit_sees_and_handles_its_ticket(world, ticket):
    client = world.client("unit_a")
    listing = client.get("/tickets/").content.decode()
    assert ticket.tracking_code in listing
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "记录回访" in page and "服务态度生硬" in page
    assert "13912345678" not in page and "139****5678" not in page  # the unit never learns the phone
    response = _visit_post(client, ticket)
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.state == State.VISITED
    assert "嫌等得久" in client.get(f"/tickets/{ticket.pk}/").content.decode()


@pytest.mark.parametrize("who", ["unit_b", "clerk", "outsider"])
def test_other_units_staff_and_districts_get_404(world, ticket, who):
    client = world.client(who)
    assert ticket.tracking_code not in client.get("/tickets/").content.decode() or who == "clerk"
    assert client.get(f"/tickets/{ticket.pk}/").status_code == 404
    assert _visit_post(client, ticket).status_code == 404
    ticket.refresh_from_db()
    assert ticket.state == State.OPEN


def test_a_step_with_missing_fields_is_refused_in_chinese_and_keeps_the_input(world, ticket):
    client = world.client("unit_a")
    response = client.post(f"/tickets/{ticket.pk}/", {"action": "visit", "visit-caller": "王科长"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "这个字段是必填项" in body and 'value="王科长"' in body


def test_a_step_not_offered_is_refused(world, ticket):
    response = world.client("unit_a").post(f"/tickets/{ticket.pk}/", {"action": "review_pass"}, follow=True)
    assert "当前不能执行该操作" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.state == State.OPEN


def test_the_unit_calls_through_a_privacy_number(world, ticket):
    response = world.client("unit_a").post(f"/tickets/{ticket.pk}/call/", follow=True)
    body = response.content.decode()
    assert "隐私号 95013-" in body and "13912345678" not in body
    lines = (settings.HOME / "call-relay.log").read_text(encoding="utf-8").splitlines()
    last = json.loads(lines[-1])
    assert last["citizen"] == "13912345678" and last["reference"] == ticket.tracking_code
    assert AuditEntry.objects.filter(action="ticket.call_relay", object_id=str(ticket.pk)).exists()


def test_an_inspector_reads_the_phone_and_the_read_is_logged(world, ticket):
    client = world.client("inspector")
    assert "139****5678" in client.get(f"/tickets/{ticket.pk}/").content.decode()
    response = client.post(f"/tickets/{ticket.pk}/phone/", follow=True)
    assert "13912345678" in response.content.decode()
    assert AuditEntry.objects.filter(action="personal_data.read", object_id=str(ticket.pk)).count() == 1
    assert world.client("unit_a").post(f"/tickets/{ticket.pk}/phone/", follow=True).status_code == 200
    assert AuditEntry.objects.filter(action="personal_data.read", object_id=str(ticket.pk)).count() == 1


def test_the_hotline_registers_a_complaint_routed_to_a_unit(world):
    client = world.client("operator")
    response = client.post(
        "/tickets/new/",
        {
            "source": "hotline",
            "unit": world.unit_b.pk,
            "summary": "办证要求提供指南外材料",
            "phone": "138 0000 1111",
        },
        follow=True,
    )
    assert "已立单，查询码" in response.content.decode()
    ticket = Ticket.objects.get(source="hotline")
    assert ticket.unit == world.unit_b and ticket.phone_masked == "138****1111"
    bad = client.post(
        "/tickets/new/", {"source": "hotline", "unit": world.unit_b.pk, "summary": "x", "phone": "abc"}
    )
    assert "电话号码格式不正确" in bad.content.decode()
    assert world.client("unit_a").get("/tickets/new/").status_code == 404


def test_the_citizen_follows_the_ticket_without_names_or_notes(world, ticket, client):
    page = client.get(f"/track/{ticket.tracking_code.lower()}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "已受理，等待回访" in body and world.unit_a.name in body
    ticket_act(
        actor=world.users["unit_a"],
        ticket_id=ticket.pk,
        action="visit",
        caller="王科长",
        called_at=timezone.now() - timedelta(minutes=1),
        citizen_said="很生气",
    )
    ticket_act(
        actor=world.users["unit_a"],
        ticket_id=ticket.pk,
        action="verify",
        verdict=Verdict.EXPLAINED,
        evidence="内部依据",
    )
    ticket_act(actor=world.users["inspector"], ticket_id=ticket.pk, action="review_pass", note="内部意见")
    body = client.get(f"/track/{ticket.tracking_code}/").content.decode()
    assert "已办结" in body and "作出解释说明" in body
    for secret in ("王科长", "很生气", "内部依据", "内部意见", "unit_a", "inspector", world.staff_a.name):
        assert secret not in body
    rated = client.post(f"/track/{ticket.tracking_code}/", {"level": "1"}, follow=True)
    assert "感谢您评价处理结果" in rated.content.decode()
    ticket.refresh_from_db()
    assert ticket.handling_level == 1


def test_an_unknown_tracking_code_gets_a_friendly_404(db, client):
    response = client.get("/track/ZZZZZZZZZZ/")
    assert response.status_code == 404
    assert "没有找到这个查询码" in response.content.decode()


def test_a_citizen_asks_for_help_and_gets_a_tracking_code(world, client):
    assert "不满意请找我" in client.get("/help/").content.decode()
    response = client.post(
        "/help/", {"unit": world.unit_a.pk, "summary": "材料被退回三次，没说清原因", "phone": ""}
    )
    assert response.status_code == 200
    ticket = Ticket.objects.get(source="help")
    assert ticket.tracking_code in response.content.decode() and ticket.unit == world.unit_a
    bad = client.post("/help/", {"unit": world.unit_a.pk, "summary": "短"})
    assert bad.status_code == 400 and "至少" in bad.content.decode()
    bot = client.post("/help/", {"unit": world.unit_a.pk, "summary": "机器人提交的内容", "website": "x"})
    assert bot.status_code == 200 and Ticket.objects.filter(source="help").count() == 1


def test_verification_evidence_files_are_kept_with_their_digest(world, ticket):
    import hashlib

    from django.core.files.uploadedfile import SimpleUploadedFile

    from pingyi.tickets.models import TicketFile

    client = world.client("unit_a")
    _visit_post(client, ticket)
    pdf = b"%PDF-1.4 CCTV still of window 3"
    response = client.post(
        f"/tickets/{ticket.pk}/",
        {
            "action": "verify",
            "verify-verdict": "untrue",
            "verify-evidence": "录像显示窗口按时接待",
            "verify-cctv_ref": "3号机 10:02",
            "verify-files": [
                SimpleUploadedFile("录像截图.pdf", pdf),
                SimpleUploadedFile("说明.docx", b"PK docx"),
            ],
        },
    )
    assert response.status_code == 302
    stored = TicketFile.objects.filter(ticket=ticket).order_by("id")
    assert [f.name for f in stored] == ["录像截图.pdf", "说明.docx"]
    assert stored[0].sha256 == hashlib.sha256(pdf).hexdigest()
    entry = AuditEntry.objects.filter(action="ticket.verify").latest("seq")
    assert entry.after["files"][0] == {"name": "录像截图.pdf", "sha256": stored[0].sha256}
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert "录像截图.pdf" in page and "3号机 10:02" in page
    download = world.client("inspector").get(f"/tickets/{ticket.pk}/files/{stored[0].pk}/")
    assert download.status_code == 200 and download.content == pdf
    assert world.client("unit_b").get(f"/tickets/{ticket.pk}/files/{stored[0].pk}/").status_code == 404
    assert "录像截图" not in world.client("unit_b").get(f"/track/{ticket.tracking_code}/").content.decode()


def test_a_file_of_the_wrong_kind_stores_nothing(world, ticket):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pingyi.tickets.models import TicketFile

    client = world.client("unit_a")
    _visit_post(client, ticket)
    response = client.post(
        f"/tickets/{ticket.pk}/",
        {
            "action": "verify",
            "verify-verdict": "true",
            "verify-files": [SimpleUploadedFile("ok.pdf", b"%PDF"), SimpleUploadedFile("run.exe", b"MZ")],
        },
    )
    assert response.status_code == 400 and "附件“run.exe”的类型不支持" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.state == State.VISITED and not TicketFile.objects.exists()


def test_the_home_page_counts_what_needs_doing(world, ticket):
    from pingyi.tickets.escalation import tickets_escalate

    tickets_escalate(timezone.now() + timedelta(days=30))
    body = world.client("unit_a").get("/").content.decode()
    assert "未办结工单" in body and "逾期工单" in body and "督办中" in body
    assert 'href="/tickets/?escalated=1"><span class="num">1</span>' in body
    assert "未办结工单" not in world.client("clerk").get("/").content.decode()
    assert (
        '<span class="num">0</span><span class="lbl">未办结工单'
        in world.client("unit_b").get("/").content.decode()
    )
