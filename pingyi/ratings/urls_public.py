"""Public (no login) rating pages: /r/<code>. Filled in by the citizen-page work."""

from __future__ import annotations

app_name = "rate"
urlpatterns: list = []
