"""The deployment's secrets: Django's secret key, the field-encryption key and the audit-chain key.

Each comes from the environment (``PINGYI_SECRET_KEY``, ``PINGYI_FIELD_KEY``, ``PINGYI_AUDIT_KEY``, or the same
names with ``_FILE``) or, on the embedded default, from ``PINGYI_HOME/keys.json``, generated once and kept.
Three separate keys, so that rotating the session key never makes the audit chain or the phones unreadable.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from pingyi.lib.env import envstr

KEY_NAMES = ("secret_key", "field_key", "audit_key")


def load_keys(home: Path, *, create: bool) -> dict[str, str]:
    from_env = {name: envstr(f"PINGYI_{name.upper()}") for name in KEY_NAMES}
    if all(from_env.values()):
        return from_env
    path = home / "keys.json"
    stored: dict[str, str] = {}
    if path.exists():
        stored = json.loads(path.read_text(encoding="utf-8"))
    missing = [name for name in KEY_NAMES if not from_env[name] and not stored.get(name)]
    if missing and create:
        for name in missing:
            stored[name] = secrets.token_urlsafe(48)
        home.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(stored, indent=2), encoding="utf-8")
        os.chmod(tmp, 0o600)
        tmp.replace(path)
    return {name: from_env[name] or stored.get(name, "") for name in KEY_NAMES}
