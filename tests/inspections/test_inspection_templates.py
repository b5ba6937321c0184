"""An inspector replaces the feedback-form template; a template is accepted only if it renders the sample data."""

from __future__ import annotations

import io

import docx
from django.core.files.uploadedfile import SimpleUploadedFile

from pingyi.audit.models import AuditEntry
from pingyi.documents.models import DocumentTemplate
from pingyi.inspections.feedback import DEFAULT_TEMPLATE
from pingyi.inspections.models import FeedbackForm
from tests.inspections.helpers_inspections import walk

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _docx(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _upload(world, content: bytes, name: str = "模板.docx", who: str = "inspector"):
    return world.client(who).post(
        "/inspections/templates/", {"file": SimpleUploadedFile(name, content, content_type=DOCX)}
    )


def test_an_uploaded_template_is_checked_versioned_audited_and_used_for_the_next_form(world):
    content = _docx("{{ issuer }} 专用反馈表", "单位：{{ unit_name }}", "期限：{{ deadline }}")
    response = _upload(world, content)
    assert response.status_code == 302
    row = DocumentTemplate.objects.get()
    assert row.version == 1 and row.active and bytes(row.content) == content
    assert AuditEntry.objects.filter(action="documenttemplate.upload", object_id=str(row.pk)).count() == 1
    inspection = walk(world, "feedback_sent")
    assert FeedbackForm.objects.get(inspection=inspection).template_version == 1
    text = [
        p.text
        for p in docx.Document(
            io.BytesIO(world.client("unit_a").get(f"/inspections/{inspection.pk}/feedback.docx").content)
        ).paragraphs
    ]
    assert text[0] == "测试区纪检监察工委 专用反馈表" and text[1] == f"单位：{world.unit_a.name}"
    # Back to the shipped default.
    assert (
        world.client("inspector").post("/inspections/templates/activate/", {"version": "0"}).status_code
        == 302
    )
    assert not DocumentTemplate.objects.filter(active=True).exists()
    assert AuditEntry.objects.filter(action="documenttemplate.activate").count() == 1


def test_a_template_with_an_unknown_placeholder_or_broken_syntax_or_not_a_docx_is_refused(world):
    cases = [
        (_docx("{{ unit_nmae }}"), "未知的占位符：unit_nmae"),
        (_docx("{% for f in findings %}{{ f.no }}"), "模板"),
        (_docx("{% for f in findings %}{{ f.missing }}{% endfor %}"), "模板用示例数据生成失败"),
        (b"plain text, not a zip", "模板必须是 Word（.docx）文件"),
    ]
    for content, message in cases:
        response = _upload(world, content)
        assert response.status_code == 400 and message in response.content.decode(), message
    assert not DocumentTemplate.objects.exists()
    assert not AuditEntry.objects.filter(action="documenttemplate.upload").exists()


def test_a_template_cannot_reach_python_internals(world):
    response = _upload(world, _docx("{{ unit_name.__class__.__mro__ }}"))
    assert response.status_code == 400
    assert not DocumentTemplate.objects.exists()


def test_only_inspectors_manage_templates_and_the_default_downloads(world):
    for who in ("unit_a", "hall_manager", "clerk", "operator"):
        assert world.client(who).get("/inspections/templates/").status_code == 404
        assert _upload(world, _docx("{{ unit_name }}"), who=who).status_code == 404
    response = world.client("inspector").get("/inspections/templates/0.docx")
    assert response.status_code == 200 and response.content == DEFAULT_TEMPLATE.read_bytes()
