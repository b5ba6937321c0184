"""Reads of the audit chain."""

from __future__ import annotations

from collections.abc import Iterator

from pingyi.audit.chain import VerifyResult, verify_entries
from pingyi.audit.models import AuditEntry, ChainHead


def chain_verify() -> VerifyResult:
    head = ChainHead.objects.filter(id=1).first()
    entries = AuditEntry.objects.order_by("seq").iterator(chunk_size=2000)
    return verify_entries(entries, head_seq=head.seq if head else 0, head_hash=head.hash if head else None)


def chain_entries(action: str) -> Iterator[AuditEntry]:
    """The entries of one action, oldest first (e.g. the daily rating seals). Trust them after chain_verify()."""
    return AuditEntry.objects.filter(action=action).order_by("seq").iterator(chunk_size=2000)
