"""What an import kind declares: its columns (with accepted header aliases), row validation and commit."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pingyi.imports.models import ImportJob


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # the Chinese header shown in templates and errors
    aliases: tuple[str, ...] = ()
    required: bool = True
    help: str = ""


def normalize_header(text: str) -> str:
    """Compare headers without spaces, required-marks or a bracketed note: "事项名称（必填）" is "事项名称"."""
    text = re.sub(r"[（(][^（）()]*[）)]", "", text or "")
    return re.sub(r"[\s*＊（）()：:]", "", text).lower()


EXTRA = "+"


def extra_key(key: str, header: str) -> str:
    """The key under which the runner passes a second header of the same column (its text after ``EXTRA``)."""
    return f"{key}{EXTRA}{header}"


def is_extra_key(key: str) -> bool:
    return EXTRA in key


def extras(values: dict[str, str], key: str) -> list[tuple[str, str]]:
    """(header, cell text) of every further header the file gave for column ``key``, to check against the first."""
    prefix = f"{key}{EXTRA}"
    return [(k[len(prefix) :], v.strip()) for k, v in values.items() if k.startswith(prefix)]


@dataclass
class RowErrors(Exception):
    """One or more problems in one row: (column label, message in Chinese)."""

    problems: list[tuple[str, str]] = field(default_factory=list)

    def add(self, column: str, message: str) -> None:
        self.problems.append((column, message))


class ImportKind:
    # Templates receive kind classes; Django must not call them.
    do_not_call_in_templates = True
    key: str = ""
    label: str = ""
    columns: tuple[Column, ...] = ()
    notes: tuple[str, ...] = ()  # further lines for the template's 列说明 sheet

    def __init__(self, job: ImportJob) -> None:
        self.job = job

    def prepare(self) -> None:
        """Load whatever lookups validation needs (scoped to the job's actor)."""

    def validate(self, row_no: int, values: dict[str, str]) -> Any:
        """Check one row and return what commit needs; raise RowErrors listing every problem of the row."""
        raise NotImplementedError

    def done_message(self, created: int, updated: int) -> str:
        return f"已导入 {created + updated} 行：新增 {created}，更新 {updated}"

    def map_headers(self, headers: list[str]) -> tuple[dict[str, int], list[dict[str, Any]]] | None:
        """Positions of the columns by key, and header problems; None: the runner maps ``columns`` itself.
        A kind whose headers carry data (a week grid's dates) maps them here."""
        return None

    def handout(self) -> list[list[str]]:
        """Rows shown once to the importer after a successful commit (e.g. one-time passwords); kept encrypted
        until shown. The first row is the header."""
        return []

    def check_headers(self, present: set[str]) -> list[tuple[str, str]]:
        """Problems with the set of columns found (keys), beyond missing required ones: (column label, message)."""
        return []

    def commit(self, prepared: list[Any]) -> tuple[int, int, dict[str, Any]]:
        """Write every prepared row; return (created, updated, summary for the audit entry)."""
        raise NotImplementedError


class StreamingKind(ImportKind):
    """A kind for big files: validated rows go to a staging area in chunks, so memory stays flat.

    The runner calls ``stage`` with chunks of validated rows while no row has failed, then ``check`` for problems
    that involve several rows (duplicates, clashes with stored data), then ``commit_staged`` inside the one
    transaction that also writes the job and its audit entry, and ``close`` in every case.
    """

    chunk_size = 5000

    def stage(self, chunk: list[Any]) -> None:
        raise NotImplementedError

    def check(self, limit: int) -> tuple[int, list[dict[str, Any]]]:
        """(number of problems, the first ``limit`` of them as {"row", "column", "message"})."""
        return 0, []

    def commit_staged(self) -> tuple[int, int, dict[str, Any]]:
        raise NotImplementedError

    def close(self) -> None:
        """Drop the staging area (also after a failure)."""


_KINDS: dict[str, type[ImportKind]] = {}


def register_kind(kind: type[ImportKind]) -> type[ImportKind]:
    _KINDS[kind.key] = kind
    return kind


def get_kind(key: str) -> type[ImportKind]:
    try:
        return _KINDS[key]
    except KeyError:
        raise LookupError(f"unknown import kind {key!r}; known: {', '.join(sorted(_KINDS))}") from None


def all_kinds() -> dict[str, type[ImportKind]]:
    return dict(_KINDS)
