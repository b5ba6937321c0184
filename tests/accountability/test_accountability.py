"""问责处理, 纪检监察建议书 and 制度机制: grounded in true tickets or confirmed findings; the letter in Chinese."""

from __future__ import annotations

import io
import subprocess
from datetime import timedelta

import docx
import pytest
from django.utils import timezone

from pingyi.accountability import letter
from pingyi.accountability.models import AccountabilityRecord, Mechanism, SanctionType, Suggestion
from pingyi.accountability.services import (
    AccountabilityError,
    accountability_record,
    mechanism_record,
    suggestion_issue,
)
from pingyi.audit.models import AuditEntry
from tests.accountability.conftest import sanction


def test_sanction_types_are_shipped_as_data(db):
    names = set(SanctionType.objects.values_list("name", flat=True))
    assert {"批评教育", "责令书面检查", "诫勉谈话", "通报批评", "政务警告", "留党察看"} <= names


def test_an_inspector_holds_a_person_accountable_on_a_true_ticket(world, true_ticket):
    record = accountability_record(
        actor=world.users["inspector"],
        unit=world.unit_a,
        staff=world.staff_a,
        person_name=world.staff_a.name,
        sanction=sanction(),
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
    with pytest.raises(AccountabilityError, match=message):
        accountability_record(
            actor=world.users[who],
            unit=world.unit_a,
            person_name="张三",
            sanction=sanction(),
            reason="x",
            decided_on=timezone.localdate(),
            tickets=[true_ticket],
        )
    assert not AccountabilityRecord.objects.exists()


def test_accountability_needs_grounds_that_hold(world, ticket, true_ticket):
    kwargs = dict(actor=world.users["inspector"], person_name="张三", sanction=sanction(), reason="x")
    today = timezone.localdate()
    with pytest.raises(AccountabilityError, match="至少一个属实的工单或查实的检查发现"):
        accountability_record(unit=world.unit_a, decided_on=today, **kwargs)
    with pytest.raises(AccountabilityError, match="不属于"):
        accountability_record(unit=world.unit_b, decided_on=today, tickets=[true_ticket], **kwargs)
    with pytest.raises(AccountabilityError, match="决定日期不能晚于今天"):
        accountability_record(
            unit=world.unit_a, decided_on=today + timedelta(days=1), tickets=[true_ticket], **kwargs
        )


def test_an_unverified_ticket_is_no_ground(world, ticket):
    with pytest.raises(AccountabilityError, match="未经核实属实"):
        accountability_record(
            actor=world.users["inspector"],
            unit=world.unit_a,
            person_name="张三",
            sanction=sanction(),
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
    pdf.write_bytes(letter.suggestion_pdf(suggestion))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for expected in (
        "纪检监察建议书",
        "测纪建〔2026〕3号",
        world.unit_a.name,
        "建立差评回访制度",
        true_ticket.tracking_code,
    ):
        assert expected in text
    word = docx.Document(io.BytesIO(letter.suggestion_docx(suggestion)))
    body = "\n".join(p.text for p in word.paragraphs)
    assert "纪检监察建议书" in body and "开展服务礼仪培训" in body and "{{" not in body
    with pytest.raises(AccountabilityError, match="已被使用"):
        suggestion_issue(
            actor=world.users["inspector"],
            unit=world.unit_a,
            number="测纪建〔2026〕3号",
            issues="x",
            suggestions="y",
            reply_by=timezone.localdate() + timedelta(days=3),
            tickets=[true_ticket],
        )


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
    with pytest.raises(AccountabilityError, match="只有本单位管理员或纪检监察人员"):
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
            "sanction": sanction("OR02").pk,
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
            "sanction": sanction().pk,
            "reason": "x",
            "decided_on": "2026-01-01",
        },
    )
    assert refused.status_code == 400 and "至少一个属实的工单" in refused.content.decode()
    assert world.client("unit_a").get("/tickets/accountability/new/").status_code == 404
    assert "李四" in world.client("unit_a").get("/tickets/accountability/").content.decode()
    assert "李四" not in world.client("unit_b").get("/tickets/accountability/").content.decode()
    assert Suggestion.objects.count() == 0 and Mechanism.objects.count() == 0
