"""Who said a day changed: the writer's app, so a reader subscribes only to what its counts read."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    RATINGS = "ratings", _("评价")
    LEDGER = "ledger", _("工作台账")
    TICKETS = "tickets", _("工单")
    CATALOG = "catalog", _("组织目录")
    REPAIR = "repair", _("人工或迁移标记")
