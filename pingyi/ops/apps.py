"""The operations app: records how long each worker job ran (for /metrics) from django-q's signals."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "pingyi.ops"
    verbose_name = _("运维")

    def ready(self) -> None:
        from pingyi.ops import timings

        timings.connect()
