"""What the citizen page's POST must carry instead of Django's CSRF cookie and token (docs/decisions/0013).

The page /r/<code> has no session and no login; a rating is anonymous. What a forged post could do is rate from a
visitor's browser on another site's behalf, or be replayed by a script that never loaded the page. So a post must:

- come from our own origin: an ``Origin`` header, when the browser sends one (every current browser does on POST), is
  this site's (or one of CSRF_TRUSTED_ORIGINS), and ``Sec-Fetch-Site`` is not ``cross-site``;
- carry the form token of the page it was typed on: ``<issued>.<mac>``, an HMAC (key from SECRET_KEY) over the
  code and the time the page was rendered, refused when missing, forged, for another code, or older than
  FORM_TOKEN_MAX_AGE.

No cookie and no database: checked in microseconds by both the view and the lean intake (``intake.wsgi``).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare

FIELD = "ft"
FORM_TOKEN_MAX_AGE = 4 * 3600  # a page left open at the window for a morning still submits
FUTURE_SKEW = 300
_SALT = "pingyi.ratings.formtoken"

MSG_STALE = "页面已过期，请刷新页面后重新提交。"
MSG_CROSS_ORIGIN = "提交未被接受：请在评价页面上直接提交。"


@lru_cache(maxsize=4)
def _key(secret: str) -> bytes:
    """Django's ``salted_hmac`` key for our salt, derived once per SECRET_KEY instead of once per post."""
    return hashlib.sha256((_SALT + secret).encode()).digest()


def _mac(code: str, issued: int) -> str:
    # salted_hmac(_SALT, f"{code}|{issued}", algorithm="sha256"), with the derived key cached
    return hmac.new(_key(settings.SECRET_KEY), f"{code}|{issued}".encode(), hashlib.sha256).hexdigest()[:32]


def issue(code: str, now: float | None = None) -> str:
    """The token of a page of ``code`` rendered ``now``."""
    issued = int(time.time() if now is None else now)
    return f"{issued}.{_mac(code, issued)}"


def valid(code: str, token: str, now: float | None = None) -> bool:
    issued_text, _, mac = token.partition(".")
    if not issued_text.isdigit() or len(issued_text) > 12:
        return False
    issued = int(issued_text)
    age = (time.time() if now is None else now) - issued
    if not -FUTURE_SKEW <= age <= FORM_TOKEN_MAX_AGE:
        return False
    return constant_time_compare(mac, _mac(code, issued))


def cross_origin(request: HttpRequest) -> bool:
    """Whether the browser says this post comes from another site."""
    origin = request.META.get("HTTP_ORIGIN")
    if origin is not None:
        own = f"{request.scheme}://{request.get_host()}"
        if origin != own and origin not in settings.CSRF_TRUSTED_ORIGINS:
            return True
    return request.META.get("HTTP_SEC_FETCH_SITE", "") == "cross-site"


def refusal(request: HttpRequest, code: str) -> tuple[str, str] | None:
    """(error code, message) when this POST to /r/<code> is not to be taken; None when it is."""
    if cross_origin(request):
        return "cross_origin", MSG_CROSS_ORIGIN
    if not valid(code, str(request.POST.get(FIELD, ""))):
        return "form_expired", MSG_STALE
    return None
