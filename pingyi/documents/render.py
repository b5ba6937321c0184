"""Official documents (检查反馈表, 督办函, 建议书 …) as Word and PDF, with nothing fetched from anywhere.

Word: a .docx template with docxtpl (Jinja) placeholders, rendered in Jinja's sandbox with autoescaping (a ``<`` in
a finding must not break the XML) and strict undefined names (a misspelt placeholder fails, it never prints blank).
Templates may be uploaded by inspectors, so ``docx_check`` renders one with sample data before it is accepted.

PDF: a Django HTML template through WeasyPrint; fonts come from fontconfig (Noto CJK), and the URL fetcher allows
``data:`` URLs only, so a template cannot make the server fetch a remote or local file.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

FONT_FAMILY = "'Noto Sans CJK SC', 'Noto Sans CJK', sans-serif"


class FetchRefused(Exception):
    """A document asked for a resource other than a ``data:`` URL."""


class TemplateInvalid(Exception):
    """A Word template that cannot be used; the message (Chinese) says why."""


def _environment() -> Any:
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


def _template(source: bytes | Path) -> Any:
    from docxtpl import DocxTemplate

    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    return DocxTemplate(stream)


def docx_render(source: bytes | Path, context: dict[str, Any]) -> bytes:
    """Fill a .docx template (bytes or a path) with ``context`` and return the new .docx."""
    document = _template(source)
    document.render(context, jinja_env=_environment(), autoescape=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_check(source: bytes, *, sample: dict[str, Any], known: set[str]) -> None:
    """Refuse a template that is not a .docx, uses a placeholder outside ``known`` or fails with ``sample``."""
    if not zipfile.is_zipfile(io.BytesIO(source)):
        raise TemplateInvalid("模板必须是 Word（.docx）文件")
    try:
        document = _template(source)
        unknown = set(document.get_undeclared_template_variables(jinja_env=_environment())) - known
    except Exception as exc:
        raise TemplateInvalid(f"模板无法解析：{exc}") from exc
    if unknown:
        raise TemplateInvalid("模板使用了未知的占位符：" + "、".join(sorted(unknown)))
    try:
        docx_render(source, sample)
    except Exception as exc:
        raise TemplateInvalid(f"模板用示例数据生成失败：{exc}") from exc


def pdf_from_html(html: str) -> bytes:
    """An HTML string as PDF. Only ``data:`` URLs are fetched; anything else fails the rendering outright."""
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    try:
        pdf = HTML(string=html, base_url="about:blank", url_fetcher=fetcher).write_pdf()
    except FatalURLFetchingError as exc:  # a BaseException in WeasyPrint: turn it into an ordinary error
        raise FetchRefused(str(exc)) from exc
    assert pdf is not None
    return bytes(pdf)


def pdf_render(template_name: str, context: dict[str, Any]) -> bytes:
    """A Django template rendered to HTML, then to PDF (the template sets its own @page and fonts)."""
    return pdf_from_html(render_to_string(template_name, {"font_family": FONT_FAMILY, **context}))


def chinese_date(value: date | datetime | None, *, missing: str) -> str:
    """A date as official documents write it, ``2026年11月25日`` (a moment: its local date); ``missing`` for None."""
    if value is None:
        return missing
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return f"{value.year}年{value.month}月{value.day}日"
