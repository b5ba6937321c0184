"""Salted fingerprints of the rating device and network: enough to see a burst or a colleague's phone, never
enough to identify a citizen. Keys derive from PINGYI_FIELD_KEY (lib.crypto), so the hashes mean nothing elsewhere.
"""

from __future__ import annotations

import ipaddress
import secrets
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from pingyi.lib.crypto import blind_index

DEVICE_COOKIE = "pyd"
COOKIE_AGE = 365 * 24 * 3600


def device_cookie(request: HttpRequest) -> str:
    value = request.COOKIES.get(DEVICE_COOKIE, "")
    return value if 16 <= len(value) <= 64 and value.isalnum() else ""


def ensure_device_cookie(request: HttpRequest, response: HttpResponse) -> None:
    """Give a browser a random id (no personal data) so that its ratings can be counted together."""
    if not device_cookie(request):
        response.set_cookie(
            DEVICE_COOKIE,
            secrets.token_hex(16),
            max_age=COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )


def device_fingerprint(request: HttpRequest) -> str:
    cookie = device_cookie(request)
    if cookie:
        basis = f"c:{cookie}"
    else:
        meta = request.META
        basis = f"ua:{meta.get('HTTP_USER_AGENT', '')[:300]}|{meta.get('HTTP_ACCEPT_LANGUAGE', '')[:50]}"
    return blind_index(basis, purpose="device-fingerprint")


def network_fingerprint(request: HttpRequest) -> str:
    """The /24 (IPv4) or /48 (IPv6) network of the client, hashed."""
    return _network_fingerprint(request.META.get("REMOTE_ADDR", ""), settings.PINGYI_FIELD_KEY)


@lru_cache(maxsize=4096)  # keyed by blind_index's key too, so that a new key is not answered from the cache
def _network_fingerprint(raw: str, _field_key: str) -> str:
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return ""
    prefix = 24 if address.version == 4 else 48
    network = ipaddress.ip_network(f"{address}/{prefix}", strict=False)
    return blind_index(str(network), purpose="network-fingerprint")
