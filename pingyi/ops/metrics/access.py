"""Who may read /metrics: a request bearing ``PINGYI_METRICS_TOKEN`` as a bearer token.

A token rather than an allowed-address list: behind the proxy every request comes from the proxy's address, and a
token works the same whether the scraper reaches an app host directly or through the proxy.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpRequest


def metrics_allowed(request: HttpRequest) -> bool | None:
    """True for the right token, False for none or a wrong one, None when /metrics is off (no token set)."""
    token = settings.PINGYI_METRICS_TOKEN
    if not token:
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given:
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())
