"""The HTTP answer of a document file (a letter, a form, a template): its content type and an attachment header."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def document_response(content: bytes, filename: str, fmt: str) -> HttpResponse:
    """``content`` as a download named ``filename`` (non-ASCII names as RFC 6266 ``filename*``); ``fmt`` docx or pdf."""
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response
