"""The readers of the feed: each derived table's app subscribes in its ``AppConfig.ready``.

A subscriber names the sources its counts read (the oversight facts read no revocation and no hall), and whether
it reads one district at a time (a cursor per district) or every district together (one cursor).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pingyi.derived.choices import Source


@dataclass(frozen=True)
class Subscriber:
    name: str
    sources: frozenset[Source]
    per_district: bool = False


_SUBSCRIBERS: dict[str, Subscriber] = {}


def subscribe(name: str, *, sources: Iterable[Source], per_district: bool = False) -> Subscriber:
    """Register a reader of the feed (idempotent for the same arguments)."""
    subscriber = Subscriber(name, frozenset(Source(s) for s in sources), per_district)
    known = _SUBSCRIBERS.get(name)
    if known is not None and known != subscriber:
        raise ValueError(f"subscriber {name!r} is already registered differently")
    _SUBSCRIBERS[name] = subscriber
    return subscriber


def subscriber(name: str) -> Subscriber:
    try:
        return _SUBSCRIBERS[name]
    except KeyError:
        raise LookupError(f"no subscriber {name!r}: subscribe it in its AppConfig.ready") from None


def subscribers() -> list[Subscriber]:
    return sorted(_SUBSCRIBERS.values(), key=lambda s: s.name)
