"""The kinds of official document whose Word template inspectors may replace, registered by the apps that own them.

Each kind names its shipped default .docx, the placeholders a template may use (shown on the templates page) and the
sample data an uploaded template must render before it is accepted. The owner registers its kind in its
``AppConfig.ready()`` (inspections: 检查反馈表, tickets: 督办函, accountability: 纪检监察建议书); the templates page lists
the kinds in that order and opens on the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class DocKind:
    kind: str  # the key stored with a district's templates (DocumentTemplate.kind)
    label: str  # the document's Chinese name (files, audit); pages show gettext(label)
    default: Path  # the shipped .docx used while a district has no active template of its own
    placeholders: dict[str, Any]  # name -> description (lazy, shown on the templates page)
    sample: dict[str, Any]  # what an uploaded template must render before it is accepted


_KINDS: dict[str, DocKind] = {}


def register(spec: DocKind) -> None:
    """Add a kind (registering the same key again replaces it)."""
    _KINDS[spec.kind] = spec


def get(kind: str) -> DocKind | None:
    return _KINDS.get(kind)


def registered() -> list[DocKind]:
    """Every registered kind, in the order of registration."""
    return list(_KINDS.values())
