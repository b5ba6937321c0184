"""Idempotent writes: the same Idempotency-Key and body replays the stored response; another body is a 422."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest

from pingyi.accounts.roles import person
from pingyi.api.errors import ApiError
from pingyi.api.models import IdempotencyRecord


def run_idempotent(
    request: HttpRequest, principal: str, action: Callable[[], tuple[int, dict[str, Any]]]
) -> tuple[int, dict[str, Any]]:
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        raise ApiError(400, "idempotency_key_required", "写操作必须提供 Idempotency-Key 请求头")
    if len(key) > 128:
        raise ApiError(400, "idempotency_key_invalid", "Idempotency-Key 最长 128 个字符")
    digest = hashlib.sha256(request.body).hexdigest()
    user = person(request.user)  # None for a device's token
    existing = IdempotencyRecord.objects.filter(principal=principal, key=key).first()
    if existing is not None:
        if existing.request_digest != digest or existing.path != request.path:
            raise ApiError(422, "idempotency_key_reused", "该 Idempotency-Key 已用于另一个请求")
        return existing.status, existing.body
    try:
        with transaction.atomic():
            status, body = action()
            IdempotencyRecord.objects.create(
                key=key,
                principal=principal,
                method=request.method or "",
                path=request.path[:300],
                request_digest=digest,
                status=status,
                body=body,
                user=user,
            )
    except IntegrityError:
        # A concurrent request with the same key won the race; replay what it stored.
        existing = IdempotencyRecord.objects.filter(principal=principal, key=key).first()
        if existing is None:
            raise
        return existing.status, existing.body
    return status, body
