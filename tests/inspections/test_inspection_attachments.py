"""Evidence and proof files: stored with the step (and its digest in the audit entry), read only by who may."""

from __future__ import annotations

import hashlib

from django.core.files.uploadedfile import SimpleUploadedFile

from pingyi.audit.models import AuditEntry
from pingyi.inspections.models import Attachment, FindingType
from tests.inspections.conftest import walk

PDF = b"%PDF-1.4\n% proof of rectification\n"


def test_the_unit_uploads_proof_that_both_sides_can_download_and_no_other_unit_can(world):
    inspection = walk(world, "rectifying")
    response = world.client("unit_a").post(
        f"/inspections/{inspection.pk}/rectification/proof/",
        {
            "proof_text": "制度已印发",
            "file": SimpleUploadedFile("台账核对制度.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    row = Attachment.objects.get(purpose="proof")
    assert row.name == "台账核对制度.pdf" and row.sha256 == hashlib.sha256(PDF).hexdigest()
    entry = AuditEntry.objects.filter(action="inspection.rectification_proof").get()
    assert entry.after["files"] == [{"name": "台账核对制度.pdf", "size": len(PDF), "sha256": row.sha256}]
    url = f"/inspections/{inspection.pk}/files/{row.pk}/"
    for who in ("unit_a", "inspector"):
        download = world.client(who).get(url)
        assert (
            download.status_code == 200
            and download.content == PDF
            and download["Content-Type"] == "application/pdf"
        )
    for who in ("unit_b", "hall_manager", "outsider"):
        assert world.client(who).get(url).status_code == 404
    assert (
        "台账核对制度.pdf" in world.client("inspector").get(f"/inspections/{inspection.pk}/").content.decode()
    )


def test_evidence_files_stay_with_the_inspectors(world):
    inspection = walk(world, "in_progress")
    response = world.client("inspector").post(
        f"/inspections/{inspection.pk}/findings/",
        {
            "type": FindingType.objects.get(code="qr_hidden").pk,
            "description": "二维码被遮挡",
            "confirmed": "on",
            "file": SimpleUploadedFile("现场照片.png", b"\x89PNG\r\n\x1a\nfake", content_type="image/png"),
        },
    )
    assert response.status_code == 302
    row = Attachment.objects.get(purpose="evidence")
    assert row.finding is not None and row.finding.inspection_id == inspection.pk
    url = f"/inspections/{inspection.pk}/files/{row.pk}/"
    assert world.client("inspector").get(url).status_code == 200
    inspection.refresh_from_db()
    from pingyi.inspections.services.findings import findings_conclude
    from pingyi.inspections.services.lifecycle import feedback_send

    findings_conclude(actor=world.users["inspector"], inspection=inspection, summary="属实")
    feedback_send(
        actor=world.users["inspector"],
        inspection=inspection,
        deadline=inspection.created_at.date().replace(year=2099),
        requirement="整改",
    )
    assert world.client("unit_a").get(url).status_code == 404
    assert "现场照片.png" not in world.client("unit_a").get(f"/inspections/{inspection.pk}/").content.decode()


def test_a_file_of_the_wrong_kind_is_refused_and_nothing_of_the_step_is_kept(world):
    inspection = walk(world, "rectifying")
    response = world.client("unit_a").post(
        f"/inspections/{inspection.pk}/rectification/proof/",
        {
            "proof_text": "已整改（保留）",
            "file": SimpleUploadedFile("run.exe", b"MZ", content_type="application/x-msdownload"),
        },
    )
    page = response.content.decode()
    assert response.status_code == 400 and "附件“run.exe”的类型不支持" in page and "已整改（保留）" in page
    assert not Attachment.objects.exists()
    inspection.rectification.refresh_from_db()
    assert inspection.rectification.proof_submitted_at is None
