"""Typed readers for settings taken from the environment (after healthchecks' hc/settings.py).

A value that cannot be read raises ``ImproperlyConfigured`` naming the variable, the value and what is accepted, so
that a typo (``PINGYI_HTTPS=ture``) stops the process at start-up instead of silently meaning the default. An unset
or empty variable means the default.

- ``envbool``: ``1 true yes on`` and ``0 false no off``, in any case, surrounding spaces ignored.
- ``envint``: a whole number in decimal (``-5``, ``30``; ``_`` separators as in Python, no ``1.5``, no ``1e3``).
- ``envfloat``: a finite decimal number (``0.3``, ``1``, ``2.5e-1``).
- ``envstr``: the text as given, or the content of the file named by ``NAME_FILE`` (container secrets); a
  ``NAME_FILE`` that cannot be read is an error.
- ``envchoice``: one of the listed words, exactly as listed (surrounding spaces ignored).
- ``envlist``: comma-separated, items stripped, empty items dropped.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off"})


def envstr(name: str, default: str = "") -> str:
    """Return the variable, or the content of the file named by NAME_FILE (for container secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as error:
            raise ImproperlyConfigured(
                f"{name}_FILE={file_name!r}: cannot read the file ({error})"
            ) from error
    return os.environ.get(name, default)


def envbool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a yes/no value: use one of {', '.join(sorted(TRUE_WORDS))} "
        f"or {', '.join(sorted(FALSE_WORDS))}"
    )


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value.strip(), 10)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number (e.g. {default})") from None


def envfloat(name: str, default: float) -> float:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = float(value.strip())
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise ImproperlyConfigured(f"{name}={value!r} is not a number (e.g. {default})")
    return number


def envchoice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = envstr(name, default).strip() or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} is not one of: {', '.join(choices)}")
    return value


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [part.strip() for part in value.split(",") if part.strip()]


def database_from_url(url: str, *, default_sqlite_path: Path) -> dict:
    """Turn PINGYI_DATABASE_URL into a Django DATABASES entry.

    ``sqlite:///abs/path.db`` and ``postgres://user:pass@host:port/name?sslmode=...`` are understood;
    an empty value means the embedded SQLite file under PINGYI_HOME.
    """
    if not url:
        url = f"sqlite:///{default_sqlite_path}"
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = unquote(parsed.path) or str(default_sqlite_path)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path,
            # IMMEDIATE transactions serialise writers, so the audit chain never forks.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    if parsed.scheme in {"postgres", "postgresql", "pgsql"}:
        options = dict(parse_qsl(parsed.query))
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": envint("PINGYI_DB_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise ImproperlyConfigured(
        f"PINGYI_DATABASE_URL: unsupported scheme {parsed.scheme!r} (use sqlite:// or postgres://)"
    )
