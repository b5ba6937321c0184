"""The link to the comparison engine's anomalies (pingyi.oversight): units to draw from, inspections to open."""

from __future__ import annotations

from typing import Any

from pingyi.catalog.models import District, Unit
from pingyi.oversight.models import Anomaly


def anomaly_units(district: District) -> list[dict[str, Any]]:
    """Units with at least one open anomaly (定点查), ordered by unit code."""
    open_units = Anomaly.objects.filter(district=district, status=Anomaly.Status.OPEN).values("unit_id")
    units = Unit.objects.filter(district=district, active=True, pk__in=open_units).order_by("code")
    return [{"id": u.pk, "code": u.code, "name": u.name} for u in units]
