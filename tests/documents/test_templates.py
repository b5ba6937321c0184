"""The 文书模板 pages: an inspector replaces a kind's Word template; a template is accepted only if it renders the
sample data, versions are kept and audited, the shipped default can be made active again; nobody else gets in."""

from __future__ import annotations

from pingyi.audit.models import AuditEntry
from pingyi.documents.models import DocumentTemplate
from pingyi.inspections.feedback import DEFAULT_TEMPLATE
from tests.documents.conftest import docx_bytes, upload


def test_an_uploaded_template_is_checked_versioned_audited_and_the_default_comes_back(world):
    content = docx_bytes("{{ issuer }} 专用反馈表", "单位：{{ unit_name }}", "期限：{{ deadline }}")
    response = upload(world, content)
    assert response.status_code == 302
    row = DocumentTemplate.objects.get()
    assert row.kind == "inspection_feedback"  # the page opens on the first registered kind
    assert row.version == 1 and row.active and bytes(row.content) == content
    entry = AuditEntry.objects.get(action="documenttemplate.upload", object_id=str(row.pk))
    assert entry.object_type == "inspections.documenttemplate"  # the type it had before the move
    # Back to the shipped default.
    assert (
        world.client("inspector").post("/inspections/templates/activate/", {"version": "0"}).status_code
        == 302
    )
    assert not DocumentTemplate.objects.filter(active=True).exists()
    assert AuditEntry.objects.filter(action="documenttemplate.activate").count() == 1


def test_a_template_with_an_unknown_placeholder_or_broken_syntax_or_not_a_docx_is_refused(world):
    cases = [
        (docx_bytes("{{ unit_nmae }}"), "未知的占位符：unit_nmae"),
        (docx_bytes("{% for f in findings %}{{ f.no }}"), "模板"),
        (docx_bytes("{% for f in findings %}{{ f.missing }}{% endfor %}"), "模板用示例数据生成失败"),
        (b"plain text, not a zip", "模板必须是 Word（.docx）文件"),
    ]
    for content, message in cases:
        response = upload(world, content)
        assert response.status_code == 400 and message in response.content.decode(), message
    assert not DocumentTemplate.objects.exists()
    assert not AuditEntry.objects.filter(action="documenttemplate.upload").exists()


def test_a_template_cannot_reach_python_internals(world):
    response = upload(world, docx_bytes("{{ unit_name.__class__.__mro__ }}"))
    assert response.status_code == 400
    assert not DocumentTemplate.objects.exists()


def test_only_inspectors_manage_templates_and_the_default_downloads(world):
    for who in ("unit_a", "hall_manager", "clerk", "operator"):
        assert world.client(who).get("/inspections/templates/").status_code == 404
        assert upload(world, docx_bytes("{{ unit_name }}"), who=who).status_code == 404
    response = world.client("inspector").get("/inspections/templates/0.docx")
    assert response.status_code == 200 and response.content == DEFAULT_TEMPLATE.read_bytes()
