"""Hashing and verification of the audit chain.

Each entry's hash is HMAC-SHA256(audit key, prev_hash + canonical JSON of the entry's fields). Editing a field,
deleting an entry (a gap in ``seq``, or a tail shorter than the chain head says) or swapping two entries breaks the
chain at the first entry touched, and without the audit key nobody can compute hashes that mend it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings

GENESIS = "0" * 64


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_payload(
    *,
    seq: int,
    at: datetime,
    actor_id: int | None,
    actor_label: str,
    district_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    before: Any,
    after: Any,
    request_id: str,
) -> dict[str, Any]:
    return {
        "seq": seq,
        "at": at.isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "district_id": district_id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": object_repr,
        "before": before,
        "after": after,
        "request_id": request_id,
    }


def compute_hash(prev_hash: str, payload: dict[str, Any]) -> str:
    key = hashlib.sha256(("pingyi-audit:" + settings.PINGYI_AUDIT_KEY).encode()).digest()
    message = (prev_hash + canonical_json(payload)).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""


def verify_entries(entries: Iterable[Any], *, head_seq: int | None, head_hash: str | None) -> VerifyResult:
    """Walk entries in ``seq`` order and return the first break, if any."""
    from datetime import UTC

    expected_seq = 1
    prev_hash = GENESIS
    checked = 0
    for entry in entries:
        if entry.seq != expected_seq:
            return VerifyResult(
                False, checked, expected_seq, f"entry #{expected_seq} is missing (found #{entry.seq})"
            )
        if entry.prev_hash != prev_hash:
            return VerifyResult(
                False, checked, entry.seq, f"entry #{entry.seq} does not follow #{entry.seq - 1}"
            )
        payload = entry_payload(
            seq=entry.seq,
            at=entry.at.astimezone(UTC),
            actor_id=entry.actor_id,
            actor_label=entry.actor_label,
            district_id=entry.district_id,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            object_repr=entry.object_repr,
            before=entry.before,
            after=entry.after,
            request_id=entry.request_id,
        )
        if not hmac.compare_digest(compute_hash(prev_hash, payload), entry.hash):
            return VerifyResult(False, checked, entry.seq, f"entry #{entry.seq} was altered (hash mismatch)")
        prev_hash = entry.hash
        expected_seq += 1
        checked += 1
    if head_seq is not None and head_seq != expected_seq - 1:
        return VerifyResult(
            False,
            checked,
            expected_seq,
            f"the chain head names #{head_seq} but the log ends at #{expected_seq - 1}",
        )
    if head_hash is not None and head_seq and head_hash != prev_hash:
        return VerifyResult(
            False, checked, expected_seq - 1, f"entry #{expected_seq - 1} differs from the chain head"
        )
    return VerifyResult(True, checked)
