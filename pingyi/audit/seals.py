"""What ``pingyi audit verify`` checks after the chain itself: the verifiers other apps register.

An app whose data is sealed into the chain (ratings' daily seals) registers a verifier in its ``AppConfig.ready()``;
the audit app calls each one once the chain has verified (their seal entries are then trustworthy), and imports
none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Verdict:
    """A verifier's answer: intact or not, and the line ``audit verify`` prints (stdout if intact, else stderr)."""

    ok: bool
    message: str


Verifier = Callable[[], Verdict]
_VERIFIERS: dict[str, Verifier] = {}


def register(name: str, verifier: Verifier) -> None:
    """Let ``audit verify`` run ``verifier`` after the chain (one per name; registering again replaces it)."""
    _VERIFIERS[name] = verifier


def registered() -> list[tuple[str, Verifier]]:
    """The verifiers, in the order they were first registered."""
    return list(_VERIFIERS.items())
