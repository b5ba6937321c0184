"""Open311 GeoReport v2 at /open311/v2/: ``views`` (the endpoints), ``format`` (JSON and XML bodies), ``urls``."""

from __future__ import annotations
