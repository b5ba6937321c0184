"""The kinds registry: each owner registers its document when ready; documents itself imports no domain app."""

from __future__ import annotations

from pingyi.documents import kinds
from pingyi.documents.render import docx_check
from tests.documents.conftest import imports_of

FOUNDATION = (
    "pingyi.lib",
    "pingyi.accounts",
    "pingyi.audit",
    "pingyi.catalog",
    "pingyi.workdays",
    "pingyi.documents",
)


def test_each_owner_registers_its_kind_and_the_shipped_default_passes_its_own_check():
    assert [k.kind for k in kinds.registered()] == ["inspection_feedback", "ticket_supervision", "suggestion"]
    for spec in kinds.registered():
        assert set(spec.sample) == set(spec.placeholders), spec.kind
        docx_check(spec.default.read_bytes(), sample=spec.sample, known=set(spec.placeholders))
    assert kinds.get("nope") is None


def test_documents_imports_no_domain_app():
    for path, names in imports_of("documents").items():
        outside = {n for n in names if n.startswith("pingyi.") and not n.startswith(FOUNDATION)}
        assert not outside, (path, outside)
