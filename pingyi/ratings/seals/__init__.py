"""Daily seals of the ratings in the audit chain (``services``) and their command (``cli``).

``seal_pending`` is named here because the daily django-q schedule runs it by this path
(``pingyi.ratings.seals.seal_pending``); the audit app verifies the seals through its verifier registry, which
``RatingsConfig.ready()`` fills (``verifier``).
"""

from pingyi.ratings.seals.services import seal_pending

__all__ = ["seal_pending"]
