"""Builders of the accountability tests: the tickets' builders (a 差评, its ticket, the ticket found true) and a
sanction type by code."""

from __future__ import annotations

from pingyi.accountability.models import SanctionType
from tests.tickets.conftest import negative, ticket, true_ticket  # noqa: F401  (fixtures shared with the tickets tests)


def sanction(code: str = "OR04") -> SanctionType:
    """A shipped sanction type (OR04 诫勉谈话 unless told)."""
    return SanctionType.objects.get(code=code)
