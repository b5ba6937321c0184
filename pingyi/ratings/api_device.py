"""The window-device API (evaluation pads and terminals)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["devices"])
