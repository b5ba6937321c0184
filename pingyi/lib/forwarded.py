"""The citizen's address behind the proxy: ``REMOTE_ADDR`` rewritten from ``X-Forwarded-For`` at the WSGI entry.

Behind nginx every request comes from the proxy's address, so the rating's network fingerprint, the failed-login log
and the access log would all name the proxy. nginx appends the address it saw to ``X-Forwarded-For``
(``$proxy_add_x_forwarded_for``, ``deploy/nginx/pingyi-proxy.conf``). ``ForwardedFor`` wraps the whole application —
the lean intake and Django alike — and, for a request whose ``REMOTE_ADDR`` is a trusted proxy, takes the header's
**last** address (the one the proxy appended; the ones before it are whatever the client sent and are never
trusted). The proxy's own address is kept in ``environ["pingyi.proxy_addr"]``.

Trusted proxies: ``PINGYI_FORWARDED_ALLOW_IPS`` (addresses or networks, comma-separated; the same value gunicorn
gets for ``X-Forwarded-Proto``), used only with ``PINGYI_BEHIND_PROXY=1``. Without it nothing is rewritten.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from typing import Any

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(values: Iterable[str]) -> list[Network]:
    """Parse the trusted proxies; ``*`` trusts any address (only for a proxy that is the sole way in)."""
    networks: list[Network] = []
    for value in values:
        if value == "*":
            networks += [ipaddress.ip_network("0.0.0.0/0"), ipaddress.ip_network("::/0")]
        else:
            networks.append(ipaddress.ip_network(value, strict=False))
    return networks


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


class ForwardedFor:
    def __init__(self, app: Callable[..., Any], trusted: Iterable[Network]) -> None:
        self.app = app
        self.trusted = list(trusted)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        forwarded = environ.get("HTTP_X_FORWARDED_FOR")
        if forwarded and self.trusted:
            proxy = _address(environ.get("REMOTE_ADDR", ""))
            client = _address(forwarded.rsplit(",", 1)[-1])
            if proxy is not None and client is not None and any(proxy in net for net in self.trusted):
                environ["pingyi.proxy_addr"] = environ["REMOTE_ADDR"]
                environ["REMOTE_ADDR"] = str(client)
        return self.app(environ, start_response)
