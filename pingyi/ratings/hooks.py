"""What other apps do when a 差评 is stored, without ratings importing them (tickets opens the ticket).

A receiver runs after the storing transaction commits and never fails the intake: an error is logged, and the
worker's sweep (``tickets.tasks.open_pending``, every minute) catches up — as it does for the lean intake's ratings,
which are stored without Django's request machinery.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction

from pingyi.ratings.models import Rating

log = logging.getLogger(__name__)
_ON_NEGATIVE: list[Callable[[Rating], object]] = []


def on_negative(receiver: Callable[[Rating], object]) -> None:
    if receiver not in _ON_NEGATIVE:
        _ON_NEGATIVE.append(receiver)


def negative_stored(rating: Rating) -> None:
    for receiver in _ON_NEGATIVE:
        transaction.on_commit(lambda receiver=receiver: _call(receiver, rating))  # type: ignore[misc]


def _call(receiver: Callable[[Rating], object], rating: Rating) -> None:
    try:
        receiver(rating)
    except Exception:  # the rating is stored; the sweep retries
        log.exception("after-rating receiver %s failed for rating %s", receiver, rating.pk)
