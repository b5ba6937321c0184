"""Imports flow down (decision 0021): accountability rests on tickets and inspections, never the other way round."""

from __future__ import annotations

from tests.documents.conftest import imports_of


def test_tickets_imports_neither_inspections_nor_accountability():
    for path, names in imports_of("tickets").items():
        upward = {n for n in names if n.startswith(("pingyi.inspections", "pingyi.accountability"))}
        assert not upward, (path, upward)
