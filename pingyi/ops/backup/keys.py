"""The keys part of a backup: which keys the deployment uses, where they come from, and their fingerprints.

With the embedded default the keys live in ``PINGYI_HOME/keys.json`` and the archive carries that file. Keys set in
the environment (``PINGYI_SECRET_KEY``, ``PINGYI_FIELD_KEY``, ``PINGYI_AUDIT_KEY`` or their ``_FILE`` forms) are
kept out of the archive unless asked (``--include-keys``): the manifest holds only a fingerprint of each, so a
restore can tell whether the deployment it restores into has the same keys (without them phones stay encrypted and
the audit chain cannot be verified).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from django.conf import settings

from pingyi.lib.keys import KEY_NAMES

KEYS_FILE = "keys.json"


def keys_in_use() -> dict[str, str]:
    """The three keys this process runs with."""
    return {
        "secret_key": settings.SECRET_KEY,
        "field_key": settings.PINGYI_FIELD_KEY,
        "audit_key": settings.PINGYI_AUDIT_KEY,
    }


def fingerprint(value: str) -> str:
    return hashlib.sha256(f"pingyi key fingerprint\0{value}".encode()).hexdigest()[:16]


def fingerprints(keys: dict[str, str]) -> dict[str, str]:
    return {name: fingerprint(keys.get(name, "")) for name in KEY_NAMES}


def stored_keys(home: Path) -> dict[str, str]:
    path = home / KEYS_FILE
    if not path.exists():
        return {}
    stored = json.loads(path.read_text(encoding="utf-8"))
    return {name: str(stored[name]) for name in KEY_NAMES if stored.get(name)}


def keys_from_home(home: Path) -> bool:
    """Whether PINGYI_HOME/keys.json holds exactly the keys in use (else they come from the environment)."""
    return stored_keys(home) == keys_in_use()
