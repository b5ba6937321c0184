"""Files kept with an inspection (evidence, proof of rectification): which kinds, how large, how they are stored.

Only the services call ``attachments_save``, inside the step's transaction; the step's audit entry lists each file's
name and SHA-256.
"""

from __future__ import annotations

from typing import Any

from pingyi.accounts.roles import Actor, person
from pingyi.inspections.errors import Refused
from pingyi.inspections.models import Attachment, Finding, Inspection
from pingyi.lib.uploads import MAX_BYTES, Upload, UploadRefused, checked_name, content_type

__all__ = ["MAX_BYTES", "Upload", "attachments_save", "content_type"]


def _check(upload: Upload) -> str:
    try:
        return checked_name(upload)
    except UploadRefused as exc:
        raise Refused(str(exc)) from exc


def attachments_save(
    *,
    actor: Actor,
    inspection: Inspection,
    purpose: str,
    uploads: list[Upload],
    finding: Finding | None = None,
) -> list[dict[str, Any]]:
    """Store the uploads (all checked first, so one bad file stores none); returns their audit summary."""
    names = [_check(upload) for upload in uploads]
    rows = [
        Attachment(
            inspection=inspection,
            finding=finding,
            purpose=purpose,
            name=name,
            size=len(upload.content),
            sha256=upload.sha256,
            content=upload.content,
            uploaded_by=person(actor),
        )
        for name, upload in zip(names, uploads, strict=True)
    ]
    Attachment.objects.bulk_create(rows)
    return [{"name": row.name, "size": row.size, "sha256": row.sha256} for row in rows]
