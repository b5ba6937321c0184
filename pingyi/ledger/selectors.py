"""Reads of the ledger a person triggers: always through the scope machinery."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.db.models import F, QuerySet
from django.utils import timezone

from pingyi.accounts.roles import Someone
from pingyi.accounts.scopes import restrict
from pingyi.ledger.models import ServiceRecord
from pingyi.ledger.services import late_after


def records_for(user: Someone, filters: dict[str, Any] | None = None) -> QuerySet[ServiceRecord]:
    records = restrict(ServiceRecord.objects.select_related("unit", "window", "staff", "item"), user)
    filters = filters or {}
    if filters.get("unit"):
        records = records.filter(unit=filters["unit"])
    if filters.get("window"):
        records = records.filter(window=filters["window"])
    tz = timezone.get_current_timezone()
    if filters.get("date_from"):
        records = records.filter(received_at__gte=datetime.combine(filters["date_from"], time.min, tz))
    if filters.get("date_to"):
        records = records.filter(received_at__lte=datetime.combine(filters["date_to"], time.max, tz))
    if filters.get("late"):
        records = records.filter(entered_at__gt=F("received_at") + late_after())
    return records.order_by("-received_at", "-id")


def is_late(record: ServiceRecord) -> bool:
    return record.entered_at - record.received_at > late_after()
