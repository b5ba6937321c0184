"""Writing to the audit chain. Every service that changes state calls ``audit_record`` inside its transaction."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from django.db import models, transaction

from pingyi.accounts.models import User
from pingyi.accounts.roles import Actor, SystemActor, as_actor
from pingyi.audit.chain import canonical_json, compute_hash, entry_payload
from pingyi.audit.models import AuditEntry, ChainHead
from pingyi.lib.context import current_request_id


def snapshot(instance: models.Model, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """The concrete field values of a model instance, JSON-ready.

    Ciphertexts and blind indexes never enter the log: a phone change shows as its masked form only.
    """
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in exclude or field.name.endswith(("_ciphertext", "_index")):
            continue
        data[field.attname] = field.value_from_object(instance)
    return json.loads(canonical_json(data))


def _actor_fields(actor: Actor) -> tuple[int | None, str]:
    if isinstance(actor, SystemActor):
        return None, actor.name[:150]
    return actor.pk, actor.get_username()[:150]


# Paths from an audited object to its district, tried in order (the first that resolves wins).
_DISTRICT_PATHS = ("district_id", "unit.district_id", "window.unit.district_id", "hall.district_id")


def district_of(obj: models.Model | None, actor: Actor) -> int | None:
    """The district an entry belongs to, so that an inspector reads only its own district's log."""
    if obj is not None and obj._meta.label_lower == "catalog.district":
        return int(obj.pk)
    for path in _DISTRICT_PATHS:
        value: Any = obj
        for part in path.split("."):
            value = getattr(value, part, None)
            if value is None:
                break
        if isinstance(value, int):
            return value
    return actor.district_id if isinstance(actor, User) else None


def audit_record(
    *,
    actor: Actor,
    action: str,
    obj: models.Model | None = None,
    district_id: int | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: Any = None,
    after: Any = None,
) -> AuditEntry:
    """Append one entry to the chain. Must run inside the caller's transaction (it locks the chain head).

    Callers not yet typed may still pass ``None`` (the system) or a string (a system actor's name).
    """
    actor = as_actor(actor)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    district_id = district_id if district_id is not None else district_of(obj, actor)
    before = json.loads(canonical_json(before)) if before is not None else None
    after = json.loads(canonical_json(after)) if after is not None else None
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(id=1)
        seq = head.seq + 1
        at = datetime.now(UTC)
        actor_id, actor_label = _actor_fields(actor)
        request_id = current_request_id.get()
        payload = entry_payload(
            seq=seq,
            at=at,
            actor_id=actor_id,
            actor_label=actor_label,
            district_id=district_id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr[:200],
            before=before,
            after=after,
            request_id=request_id,
        )
        digest = compute_hash(head.hash, payload)
        entry = AuditEntry.objects.create(
            seq=seq,
            at=at,
            actor_id=actor_id,
            actor_label=actor_label,
            district_id=district_id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr[:200],
            before=before,
            after=after,
            request_id=request_id,
            prev_hash=head.hash,
            hash=digest,
        )
        head.seq = seq
        head.hash = digest
        head.save(update_fields=["seq", "hash"])
    return entry


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that differ, for a compact before/after on updates."""
    keys = [key for key in after if before.get(key) != after.get(key)]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}
