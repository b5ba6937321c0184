"""问责处理, 纪检监察建议书 and 制度机制: grounded in true tickets or confirmed findings; the letters in Chinese."""

from __future__ import annotations

import io
import subprocess
from datetime import timedelta

import docx
import pytest
from django.utils import timezone

from pingyi.audit.models import AuditEntry
from pingyi.tickets import documents
from pingyi.tickets.choices import Verdict
from pingyi.tickets.escalation import tickets_escalate
from pingyi.tickets.models import AccountabilityRecord, Mechanism, SanctionType, Suggestion
from pingyi.tickets.services import TicketError, ticket_act
from pingyi.tickets.services_accountability import accountability_record, mechanism_record, suggestion_issue


@pytest.fixture
def true_ticket(world, ticket):
    ticket_act(
        actor=world.users["unit_a"],
        ticket_id=ticket.pk,
        action="visit",
        caller="王科长",
        called_at=timezone.now() - timedelta(minutes=3),
        citizen_said="态度生硬",
    )
    return ticket_act(
        actor=world.users["unit_a"], ticket_id=ticket.pk, action="verify", verdict=Verdict.TRUE, evidence=""
    )


def _sanction(code="OR04"):
    return SanctionType.objects.get(code=code)


def test_sanction_types_are_shipped_as_data(db):
    names = set(SanctionType.objects.values_list("name", flat=True))
    assert {"批评教育", "责令书面检查", "诫勉谈话", "通报批评", "政务警告", "留党察看"} <= names


def test_an_inspector_holds_a_person_accountable_on_a_true_ticket(world, true_ticket):
    record = accountability_record(
        actor=world.users["inspector"],
        unit=world.unit_a,
        staff=world.staff_a,
        person_name=world.staff_a.name,
        sanction=_sanction(),
        reason="服务态度生硬，群众差评属实",
        decided_on=timezone.localdate(),
        tickets=[true_ticket],
    )
    assert list(record.tickets.all()) == [true_ticket]
    assert AuditEntry.objects.filter(action="accountability.record", object_id=str(record.pk)).count() == 1


@pytest.mark.parametrize(
    ("who", "message"),
    [("unit_a", "只有纪检监察人员"), ("hall_manager", "只有纪检监察人员"), ("outsider", "只有纪检监察人员")],
)
def test_only_the_districts_inspectors_decide(world, true_ticket, who, message):
    with pytest.raises(TicketError, match=message):
        accountability_record(
            actor=world.users[who],
            unit=world.unit_a,
            person_name="张三",
            sanction=_sanction(),
            reason="x",
            decided_on=timezone.localdate(),
            tickets=[true_ticket],
        )
    assert not AccountabilityRecord.objects.exists()


def test_accountability_needs_grounds_that_hold(world, ticket, true_ticket):
    kwargs = dict(actor=world.users["inspector"], person_name="张三", sanction=_sanction(), reason="x")
    today = timezone.localdate()
    with pytest.raises(TicketError, match="至少一个属实的工单或查实的检查发现"):
        accountability_record(unit=world.unit_a, decided_on=today, **kwargs)
    with pytest.raises(TicketError, match="不属于"):
        accountability_record(unit=world.unit_b, decided_on=today, tickets=[true_ticket], **kwargs)
    with pytest.raises(TicketError, match="决定日期不能晚于今天"):
        accountability_record(
            unit=world.unit_a, decided_on=today + timedelta(days=1), tickets=[true_ticket], **kwargs
        )


def test_an_unverified_ticket_is_no_ground(world, ticket):
    with pytest.raises(TicketError, match="未经核实属实"):
        accountability_record(
            actor=world.users["inspector"],
            unit=world.unit_a,
            person_name="张三",
            sanction=_sanction(),
            reason="x",
            decided_on=timezone.localdate(),
            tickets=[ticket],
        )


def test_a_suggestion_letter_renders_in_chinese(world, true_ticket, tmp_path):
    suggestion = suggestion_issue(
        actor=world.users["inspector"],
        unit=world.unit_a,
        number="测纪建〔2026〕3号",
        issues="窗口服务态度生硬，群众差评经核实属实。",
        suggestions="一、开展服务礼仪培训；二、建立差评回访制度。",
        reply_by=timezone.localdate() + timedelta(days=30),
        tickets=[true_ticket],
    )
    pdf = tmp_path / "s.pdf"
    pdf.write_bytes(documents.suggestion_pdf(suggestion))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for expected in (
        "纪检监察建议书",
        "测纪建〔2026〕3号",
        world.unit_a.name,
        "建立差评回访制度",
        true_ticket.tracking_code,
    ):
        assert expected in text
    word = docx.Document(io.BytesIO(documents.suggestion_docx(suggestion)))
    body = "\n".join(p.text for p in word.paragraphs)
    assert "纪检监察建议书" in body and "开展服务礼仪培训" in body and "{{" not in body
    with pytest.raises(TicketError, match="已被使用"):
        suggestion_issue(
            actor=world.users["inspector"],
            unit=world.unit_a,
            number="测纪建〔2026〕3号",
            issues="x",
            suggestions="y",
            reply_by=timezone.localdate() + timedelta(days=3),
            tickets=[true_ticket],
        )


def test_the_supervision_letter_of_an_overdue_ticket(world, ticket, tmp_path):
    tickets_escalate(timezone.now() + timedelta(days=10))
    ticket.refresh_from_db()
    assert ticket.escalation == 1
    pdf = tmp_path / "d.pdf"
    pdf.write_bytes(documents.supervision_pdf(ticket))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "督办函" in text and world.unit_a.name in text and "第 1 次督办" in text
    client = world.client("inspector")
    assert client.get(f"/tickets/{ticket.pk}/supervision.docx").status_code == 200
    assert client.get(f"/tickets/{ticket.pk}/supervision.pdf")["Content-Type"] == "application/pdf"
    assert world.client("unit_b").get(f"/tickets/{ticket.pk}/supervision.pdf").status_code == 404


def test_a_unit_records_a_mechanism_answering_a_suggestion(world, true_ticket):
    suggestion = suggestion_issue(
        actor=world.users["inspector"],
        unit=world.unit_a,
        number="测纪建〔2026〕4号",
        issues="x",
        suggestions="y",
        reply_by=timezone.localdate() + timedelta(days=30),
        tickets=[true_ticket],
    )
    mechanism = mechanism_record(
        actor=world.users["unit_a"],
        unit=world.unit_a,
        title="差评当日回访制度",
        description="差评当日由科长回访",
        adopted_on=timezone.localdate(),
        suggestion=suggestion,
        tickets=[true_ticket],
    )
    assert mechanism in suggestion.mechanisms.all()
    with pytest.raises(TicketError, match="只有本单位管理员或纪检监察人员"):
        mechanism_record(
            actor=world.users["unit_b"],
            unit=world.unit_a,
            title="x",
            description="y",
            adopted_on=timezone.localdate(),
        )
    listing = world.client("unit_a").get("/tickets/mechanisms/").content.decode()
    assert "差评当日回访制度" in listing
    assert "差评当日回访制度" not in world.client("unit_b").get("/tickets/mechanisms/").content.decode()


def test_the_pages_record_accountability(world, true_ticket):
    client = world.client("inspector")
    assert client.get("/tickets/accountability/").status_code == 200
    response = client.post(
        "/tickets/accountability/new/",
        {
            "unit": world.unit_a.pk,
            "tickets": [true_ticket.pk],
            "person_name": "李四",
            "sanction": _sanction("OR02").pk,
            "reason": "差评属实",
            "decided_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    assert "李四" in client.get("/tickets/accountability/").content.decode()
    refused = client.post(
        "/tickets/accountability/new/",
        {
            "unit": world.unit_a.pk,
            "person_name": "王五",
            "sanction": _sanction().pk,
            "reason": "x",
            "decided_on": "2026-01-01",
        },
    )
    assert refused.status_code == 400 and "至少一个属实的工单" in refused.content.decode()
    assert world.client("unit_a").get("/tickets/accountability/new/").status_code == 404
    assert "李四" in world.client("unit_a").get("/tickets/accountability/").content.decode()
    assert "李四" not in world.client("unit_b").get("/tickets/accountability/").content.decode()
    assert Suggestion.objects.count() == 0 and Mechanism.objects.count() == 0


def _docx_bytes(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_inspectors_replace_the_supervision_letter_template(world, ticket):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = world.client("inspector")
    page = client.get("/inspections/templates/", {"kind": "ticket_supervision"})
    assert (
        page.status_code == 200
        and "督办函模板" in page.content.decode()
        and "overdue_text" in page.content.decode()
    )
    bad = client.post(
        "/inspections/templates/",
        {"kind": "ticket_supervision", "file": SimpleUploadedFile("x.docx", _docx_bytes("{{ nonsense }}"))},
    )
    assert bad.status_code == 400 and "未知的占位符" in bad.content.decode()
    good = client.post(
        "/inspections/templates/",
        {
            "kind": "ticket_supervision",
            "file": SimpleUploadedFile("x.docx", _docx_bytes("本区督办：{{ unit_name }}")),
        },
    )
    assert good.status_code == 302
    tickets_escalate(timezone.now() + timedelta(days=10))
    ticket.refresh_from_db()
    body = "\n".join(p.text for p in docx.Document(io.BytesIO(documents.supervision_docx(ticket))).paragraphs)
    assert body == f"本区督办：{world.unit_a.name}"
    assert client.get("/inspections/templates/", {"kind": "nope"}).status_code == 404
