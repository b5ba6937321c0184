"""API authentication: a session (with CSRF, for the pages' own scripts) or a bearer token."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from pingyi.accounts.services import api_token_user


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user


AUTH = [TokenAuth(), SessionAuth()]
