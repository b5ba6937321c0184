"""Field encryption for personal data (phones), blind indexes for matching, and masking for display.

A phone is stored as AES-256-GCM ciphertext (random nonce, base64) and, beside it, an HMAC-SHA256 of its normalised
form: equal phones have equal indexes, so the comparison engine can match a rating's phone against staff phones
without ever decrypting them in bulk. Keys are derived from PINGYI_FIELD_KEY with HKDF, one per purpose.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_PREFIX = "v1:"
_PHONE_CLEAN = re.compile(r"[\s\-()]")


@lru_cache(maxsize=8)
def _derive(master: str, purpose: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(
        master.encode()
    )


def _key(purpose: str) -> bytes:
    return _derive(settings.PINGYI_FIELD_KEY, purpose)


@lru_cache(maxsize=8)
def _aead(master: str) -> AESGCM:
    """The cipher of the field key, built once: its key schedule is most of the cost of encrypting a phone."""
    return AESGCM(_derive(master, "field-encryption"))


def encrypt(plaintext: str) -> str:
    if plaintext == "":
        return ""
    nonce = os.urandom(12)
    sealed = _aead(settings.PINGYI_FIELD_KEY).encrypt(nonce, plaintext.encode(), None)
    return _PREFIX + base64.b64encode(nonce + sealed).decode()


def decrypt(token: str) -> str:
    if token == "":
        return ""
    if not token.startswith(_PREFIX):
        raise ValueError("not an encrypted value")
    raw = base64.b64decode(token[len(_PREFIX) :])
    return _aead(settings.PINGYI_FIELD_KEY).decrypt(raw[:12], raw[12:], None).decode()


def normalize_phone(phone: str) -> str:
    """Digits only, without a +86 / 0086 country prefix; raises ValueError for something that is not a phone."""
    cleaned = _PHONE_CLEAN.sub("", phone or "")
    if cleaned.startswith("+86"):
        cleaned = cleaned[3:]
    elif cleaned.startswith("0086"):
        cleaned = cleaned[4:]
    if not cleaned.isdigit() or not 7 <= len(cleaned) <= 12:
        raise ValueError("invalid phone")
    return cleaned


def blind_index(value: str, *, purpose: str = "phone") -> str:
    """A keyed hash that lets equal values be found without decrypting; empty for an empty value."""
    if value == "":
        return ""
    return hmac.new(_key(f"blind-index:{purpose}"), value.encode(), hashlib.sha256).hexdigest()


def mask_phone(phone: str) -> str:
    """138****5678 — the only form of a phone that a page ever shows by default."""
    if not phone:
        return ""
    if len(phone) >= 11:
        return phone[:3] + "****" + phone[-4:]
    if len(phone) > 4:
        return "*" * (len(phone) - 4) + phone[-4:]
    return "****"


def token_digest(token: str) -> str:
    """What is stored of a bearer token (API tokens, device tokens): its SHA-256, never the token."""
    return hashlib.sha256(token.encode()).hexdigest()
