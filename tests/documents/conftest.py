"""Builders of the document tests (the tickets' and inspections' template tests use them too)."""

from __future__ import annotations

import ast
import io
from pathlib import Path

import docx
from django.core.files.uploadedfile import SimpleUploadedFile

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_bytes(*paragraphs: str) -> bytes:
    """A Word file with one paragraph per argument (placeholders included as written)."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def upload(world, content: bytes, name: str = "模板.docx", who: str = "inspector", **fields: str):
    """POST a template file to the 文书模板 page as ``who`` (the kind in ``fields``, else the page's first kind)."""
    return world.client(who).post(
        "/inspections/templates/", {"file": SimpleUploadedFile(name, content, content_type=DOCX), **fields}
    )


def imports_of(package: str) -> dict[str, set[str]]:
    """Every module ``pingyi.<package>`` imports, per file of the package (parsed, not run)."""
    root = Path(__file__).resolve().parents[2] / "pingyi" / package
    found: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module)
        found[str(path.relative_to(root))] = names
    return found
