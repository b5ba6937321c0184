"""Files kept with an inspection (evidence, proof of rectification): which kinds, how large, how they are stored.

Only the services call ``attachments_save``, inside the step's transaction; the step's audit entry lists each file's
name and SHA-256.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from pingyi.inspections.errors import Refused
from pingyi.inspections.models import Attachment, Finding, Inspection

MAX_BYTES = 10 * 1024 * 1024
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Upload:
    name: str
    content: bytes


def content_type(name: str) -> str:
    return CONTENT_TYPES.get(PurePath(name).suffix.lower(), "application/octet-stream")


def _check(upload: Upload) -> str:
    name = PurePath(upload.name.replace("\\", "/")).name.strip()[:255]
    if PurePath(name).suffix.lower() not in CONTENT_TYPES:
        raise Refused(f"附件“{name}”的类型不支持，只接受 PDF、JPG、PNG、Word（.docx）和 Excel（.xlsx）")
    if not upload.content:
        raise Refused(f"附件“{name}”是空文件")
    if len(upload.content) > MAX_BYTES:
        raise Refused(f"附件“{name}”超过 10 MB")
    return name


def attachments_save(
    *, actor: Any, inspection: Inspection, purpose: str, uploads: list[Upload], finding: Finding | None = None
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
            sha256=hashlib.sha256(upload.content).hexdigest(),
            content=upload.content,
            uploaded_by=actor if getattr(actor, "pk", None) else None,
        )
        for name, upload in zip(names, uploads, strict=True)
    ]
    Attachment.objects.bulk_create(rows)
    return [{"name": row.name, "size": row.size, "sha256": row.sha256} for row in rows]
