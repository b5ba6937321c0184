"""A user signed in with a one-time password reaches only the page where it sets its own password."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse


class MustChangePasswordMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            allowed = (
                reverse("account"),
                reverse("logout"),
                reverse("login"),
                settings.STATIC_URL or "/static/",
            )
            if not request.path.startswith(allowed) and not request.path.startswith("/api/"):
                return redirect(f"{reverse('account')}?first=1")
        return self.get_response(request)
