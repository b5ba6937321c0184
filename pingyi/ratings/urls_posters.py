"""Back-office pages for QR posters of windows."""

from __future__ import annotations

app_name = "posters"
urlpatterns: list = []
