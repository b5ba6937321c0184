"""The rating door: ``rating_submit(RatingInput(...))`` is the one way a rating is stored, from every channel
(``pingyi.ratings.channels``: citizen page, window device, operator, exchange import, SMS reply).

Which store runs when:

- **SQLite (and any database but PostgreSQL)**: ``orm`` — the checks, limits and flags asked with the ORM, one
  question after another, then one INSERT.
- **PostgreSQL**: ``statement`` — the checks that need no database in Python (``checks``), everything else and the
  INSERT in one prepared statement (decision 0009). Same errors, same row.
- **PostgreSQL, the citizen page's JSON post of a QR poster, under the production WSGI server**: ``wsgi`` takes the
  request before Django (decision 0013) and stores it through ``group`` (group commit: the ratings of the requests
  that arrived meanwhile together, decision 0016) and ``batch`` (one statement for many ratings). Anything it does
  not plainly accept goes on to the citizen page's view, that is to ``rating_submit``.

The rate limits and integrity flags are declared once, in ``rules``; the ORM path and both statements are generated
from that table. Every store announces what it stored through ``events`` (``rating_stored``, ``negative_stored``).
Callers outside this package use ``rating_submit`` and ``RatingInput``; ``pingyi/wsgi.py`` mounts ``wsgi.LeanIntake``.
"""

from pingyi.ratings.intake.door import rating_submit
from pingyi.ratings.intake.input import RatingInput

__all__ = ["RatingInput", "rating_submit"]
