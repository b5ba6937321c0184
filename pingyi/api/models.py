"""Idempotency keys for API writes: a replayed key returns the first response, a reused key with another body is refused."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyRecord(models.Model):
    key = models.CharField(_("幂等键"), max_length=128)
    principal = models.CharField(_("调用方"), max_length=64)  # "user:<id>" or "device:<id>"
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=300)
    request_digest = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("幂等记录")
        constraints = [
            models.UniqueConstraint(fields=["principal", "key"], name="idempotency_key_unique_per_principal")
        ]

    def __str__(self) -> str:
        return f"{self.principal} {self.method} {self.path} ({self.key})"
