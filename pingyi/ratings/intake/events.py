"""The door's domain events: ``rating_stored`` for every rating stored, ``negative_stored`` for a 差评 that asks for
an answer (negative and not a default rating). Other apps subscribe without ratings importing them (tickets opens
the ticket of a 差评 from ``negative_stored``, in its ``AppConfig.ready()``).

Every store emits them through ``ratings_stored``, the one function that does: the portable and the PostgreSQL
one-row store through ``rating_submit``, the lean intake's batches through ``wsgi``. A receiver runs after the
storing transaction commits (at once under autocommit) and never fails the intake: an error is logged, and the
worker's sweep (``tickets.tasks.open_pending``, every minute) catches up — the safety net.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from enum import StrEnum

from django.db import transaction

from pingyi.ratings.models import Rating

log = logging.getLogger(__name__)


class Event(StrEnum):
    RATING_STORED = "rating_stored"
    NEGATIVE_STORED = "negative_stored"


Receiver = Callable[[Rating], object]
_RECEIVERS: dict[Event, list[Receiver]] = {event: [] for event in Event}


def subscribe(event: Event, receiver: Receiver) -> None:
    """Call ``receiver(rating)`` after each commit that stored a rating ``event`` is about (once per receiver)."""
    if receiver not in _RECEIVERS[event]:
        _RECEIVERS[event].append(receiver)


def events_of(rating: Rating) -> list[Event]:
    """The events a stored rating raises."""
    if rating.negative and not rating.is_default:
        return [Event.RATING_STORED, Event.NEGATIVE_STORED]
    return [Event.RATING_STORED]


def ratings_stored(ratings: Iterable[Rating]) -> None:
    """Emit the events of ratings just stored: their receivers run once the storing transaction commits."""
    for rating in ratings:
        for event in events_of(rating):
            for receiver in _RECEIVERS[event]:
                transaction.on_commit(lambda receiver=receiver, rating=rating: _call(receiver, rating))  # type: ignore[misc]


def _call(receiver: Receiver, rating: Rating) -> None:
    try:
        receiver(rating)
    except Exception:  # the rating is stored; the sweep retries
        log.exception("after-rating receiver %s failed for rating %s", receiver, rating.pk)
