"""Back-office pages for hotline / message-board / mayor's-line operators and window devices."""

from __future__ import annotations

app_name = "operator"
urlpatterns: list = []
