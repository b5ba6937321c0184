"""The 检查反馈表 in Chinese: the PDF's text (pdftotext), a page as an image (pdftoppm), the Word file's text."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import timedelta
from pathlib import Path

import docx
from django.utils import timezone

from pingyi.inspections.models import FeedbackForm
from tests.documents.conftest import docx_bytes, upload
from tests.inspections.conftest import walk

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _sent(world):
    deadline = timezone.localdate() + timedelta(days=15)
    inspection = walk(world, "feedback_sent", deadline=deadline)
    return inspection, deadline


def test_the_pdf_names_the_unit_the_findings_and_the_deadline_and_a_page_renders(world, tmp_path):
    inspection, deadline = _sent(world)
    response = world.client("unit_a").get(f"/inspections/{inspection.pk}/feedback.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    pdf = tmp_path / "feedback.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = re.sub(r"\s+", "", text)
    assert world.unit_a.name in flat and "监督检查反馈表" in flat and inspection.number in flat
    assert "漏报" in flat and "漏录服务对象" in flat and "系统录入120条" in flat
    assert "张敏" in flat and "周某" in flat  # the staff member and the free-text name
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in flat
    assert "测试区纪检监察工委" in flat
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Noto-?Sans-?CJK", fonts)
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "70",
            "-f",
            "1",
            "-singlefile",
            str(pdf),
            str(ARTIFACTS / "feedback-form"),
        ],
        check=True,
    )
    assert (ARTIFACTS / "feedback-form.png").stat().st_size > 20_000


def test_the_word_file_has_the_same_content(world):
    inspection, deadline = _sent(world)
    response = world.client("inspector").get(f"/inspections/{inspection.pk}/feedback.docx")
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(cells)
    assert world.unit_a.name in cells and "漏报" in cells and "系统录入 120 条，扫码评价 310 条" in cells
    assert "张敏、周某" in cells
    assert f"请于 {deadline.year}年{deadline.month}月{deadline.day}日 前完成整改" in text
    assert "{{" not in text and "{%" not in text


def test_the_sent_form_is_kept_as_sent(world):
    inspection, _ = _sent(world)
    first = world.client("unit_a").get(f"/inspections/{inspection.pk}/feedback.pdf").content
    world.unit_a.name = "改名后的单位"
    world.unit_a.save()
    assert world.client("unit_a").get(f"/inspections/{inspection.pk}/feedback.pdf").content == first
    assert bytes(FeedbackForm.objects.get(inspection=inspection).pdf) == first


def test_before_sending_only_the_inspector_gets_a_preview(world):
    inspection = walk(world, "findings_recorded")
    response = world.client("inspector").get(f"/inspections/{inspection.pk}/feedback.docx")
    assert (
        response.status_code == 200
        and "预览" in response["Content-Disposition"]
        or "%E9%A2%84%E8%A7%88" in response["Content-Disposition"]
    )
    assert not FeedbackForm.objects.exists()
    assert world.client("unit_a").get(f"/inspections/{inspection.pk}/feedback.pdf").status_code == 404


def test_an_uploaded_template_is_used_for_the_next_form(world):
    content = docx_bytes("{{ issuer }} 专用反馈表", "单位：{{ unit_name }}", "期限：{{ deadline }}")
    assert upload(world, content).status_code == 302
    inspection = walk(world, "feedback_sent")
    assert FeedbackForm.objects.get(inspection=inspection).template_version == 1
    text = [
        p.text
        for p in docx.Document(
            io.BytesIO(world.client("unit_a").get(f"/inspections/{inspection.pk}/feedback.docx").content)
        ).paragraphs
    ]
    assert text[0] == "测试区纪检监察工委 专用反馈表" and text[1] == f"单位：{world.unit_a.name}"
