"""One-time passwords: generated for a new account, shown once, and replaced by the user at the first sign-in."""

from __future__ import annotations

import secrets

# No 0/O, 1/l/I: the password is read off a screen or a printout and typed.
_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def one_time_password(length: int = 14) -> str:
    """A random password that passes the password validators (long, never all digits)."""
    while True:
        value = "".join(secrets.choice(_ALPHABET) for _ in range(length))
        if not value.isdigit():
            return value
