"""Files people attach as evidence or proof (inspections, tickets): which kinds, how large, what the download says.

The bytes are kept in the database with their SHA-256 by the app that owns them, in the same transaction as the step
they belong to, so a file cannot be swapped afterwards without the digest showing it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePath

MAX_BYTES = 10 * 1024 * 1024
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class UploadRefused(ValueError):
    """The message (Chinese) says which file and why."""


@dataclass(frozen=True)
class Upload:
    name: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def content_type(name: str) -> str:
    return CONTENT_TYPES.get(PurePath(name).suffix.lower(), "application/octet-stream")


def checked_name(upload: Upload) -> str:
    """The file's own name (no folders), or ``UploadRefused`` for a kind, size or emptiness we do not take."""
    name = PurePath(upload.name.replace("\\", "/")).name.strip()[:255]
    if PurePath(name).suffix.lower() not in CONTENT_TYPES:
        raise UploadRefused(f"附件“{name}”的类型不支持，只接受 PDF、JPG、PNG、Word（.docx）和 Excel（.xlsx）")
    if not upload.content:
        raise UploadRefused(f"附件“{name}”是空文件")
    if len(upload.content) > MAX_BYTES:
        raise UploadRefused(f"附件“{name}”超过 10 MB")
    return name
