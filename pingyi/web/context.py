"""Template context shared by every page: the navigation for the signed-in user's role."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from pingyi.web.navigation import nav_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    return {"nav": nav_for(user)}
