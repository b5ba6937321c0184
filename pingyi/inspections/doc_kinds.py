"""The kinds of official document whose Word template inspectors may replace (检查反馈表, 督办函, 纪检监察建议书).

Each kind names its shipped default .docx, the placeholders a template may use (shown on the templates page) and
the sample data an uploaded template must render before it is accepted. Apps register their kinds when ready.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class DocKind:
    kind: str
    label: str  # the document's Chinese name (files, audit); pages show gettext(label)
    default: Path
    placeholders: dict[str, Any]  # name -> description (lazy, shown on the templates page)
    sample: dict[str, Any]


KINDS: dict[str, DocKind] = {}


def register(spec: DocKind) -> None:
    KINDS[spec.kind] = spec


def get(kind: str) -> DocKind | None:
    return KINDS.get(kind)


def active_template(district_id: int, kind: str) -> tuple[int, bytes | Path]:
    """(version, template) of the district's active template of ``kind``; version 0 is the shipped default."""
    from pingyi.inspections.models import DocumentTemplate

    row = DocumentTemplate.objects.filter(district_id=district_id, kind=kind, active=True).first()
    if row is None:
        return 0, KINDS[kind].default
    return row.version, bytes(row.content)
