"""The 督办函 of an overdue ticket: Word and PDF from the ticket page, and a district's own Word template for it."""

from __future__ import annotations

import io
import subprocess
from datetime import timedelta

import docx
from django.utils import timezone

from pingyi.tickets import supervision
from pingyi.tickets.escalation import tickets_escalate
from tests.documents.conftest import docx_bytes


def test_the_supervision_letter_of_an_overdue_ticket(world, ticket, tmp_path):
    tickets_escalate(timezone.now() + timedelta(days=10))
    ticket.refresh_from_db()
    assert ticket.escalation == 1
    pdf = tmp_path / "d.pdf"
    pdf.write_bytes(supervision.supervision_pdf(ticket))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "督办函" in text and world.unit_a.name in text and "第 1 次督办" in text
    client = world.client("inspector")
    assert client.get(f"/tickets/{ticket.pk}/supervision.docx").status_code == 200
    assert client.get(f"/tickets/{ticket.pk}/supervision.pdf")["Content-Type"] == "application/pdf"
    assert world.client("unit_b").get(f"/tickets/{ticket.pk}/supervision.pdf").status_code == 404


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
        {"kind": "ticket_supervision", "file": SimpleUploadedFile("x.docx", docx_bytes("{{ nonsense }}"))},
    )
    assert bad.status_code == 400 and "未知的占位符" in bad.content.decode()
    good = client.post(
        "/inspections/templates/",
        {
            "kind": "ticket_supervision",
            "file": SimpleUploadedFile("x.docx", docx_bytes("本区督办：{{ unit_name }}")),
        },
    )
    assert good.status_code == 302
    tickets_escalate(timezone.now() + timedelta(days=10))
    ticket.refresh_from_db()
    body = "\n".join(
        p.text for p in docx.Document(io.BytesIO(supervision.supervision_docx(ticket))).paragraphs
    )
    assert body == f"本区督办：{world.unit_a.name}"
    assert client.get("/inspections/templates/", {"kind": "nope"}).status_code == 404
