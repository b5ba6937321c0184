"""The door: ``rating_submit``, the one entry every channel calls to store a rating."""

from __future__ import annotations

from django.db import connection

from pingyi.ratings.intake.events import ratings_stored
from pingyi.ratings.intake.input import RatingInput
from pingyi.ratings.intake.orm import rating_submit_portable
from pingyi.ratings.intake.statement import rating_submit_fast
from pingyi.ratings.models import Rating


def rating_submit(data: RatingInput) -> Rating:
    """Store one rating from any channel, or raise a RatingError saying why not (in Chinese).

    On PostgreSQL the decision is taken in one SQL statement (``statement``, docs/decisions/0009); elsewhere by
    ``orm``. Both check the same rules (``rules``) and raise the same errors. The stored rating's events
    (``events``: a 差评 opens its ticket) follow once the transaction commits.
    """
    if connection.vendor == "postgresql":
        rating = rating_submit_fast(data)
    else:
        rating = rating_submit_portable(data)
    ratings_stored([rating])
    return rating
