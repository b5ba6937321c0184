"""Reads of the audit chain."""

from __future__ import annotations

from pingyi.audit.chain import VerifyResult, verify_entries
from pingyi.audit.models import AuditEntry, ChainHead


def chain_verify() -> VerifyResult:
    head = ChainHead.objects.filter(id=1).first()
    entries = AuditEntry.objects.order_by("seq").iterator(chunk_size=2000)
    return verify_entries(entries, head_seq=head.seq if head else 0, head_hash=head.hash if head else None)
