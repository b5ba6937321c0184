"""Ratings planted straight into the table (as the insight tests do) and recounted from it, for the public pages."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from pingyi.ratings.models import Rating


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def plant(
    world: Any, window: Any, when: datetime, levels: list[int], *, default: bool = False
) -> list[Rating]:
    return Rating.objects.bulk_create(
        Rating(
            district_id=window.unit.district_id,
            unit=window.unit,
            window=window,
            channel="qr",
            scale="five",
            level=level,
            level5=level,
            negative=level <= 2 and not default,
            is_default=default,
            rated_at=when,
            received_at=timezone.now(),
        )
        for level in levels
    )


def recount(ratings: Any, first: date, last: date) -> tuple[int, int, int, int]:
    """(all, active, satisfied, negative) of raw ratings rated on local days first..last."""
    rows = ratings.filter(
        rated_at__gte=local_midnight(first), rated_at__lt=local_midnight(last + timedelta(days=1))
    )
    active = rows.filter(is_default=False)
    negative = active.filter(negative=True).count()
    return rows.count(), active.count(), active.count() - negative, negative


def pct(satisfied: int, active: int) -> str:
    return f"{satisfied / active * 100:.2f}%"


def row_cells(html: str, unit_id: int, table_id: str) -> list[str]:
    """The cells of a unit's row in the public page's table ``table_id`` (ranking or shicha)."""
    section = html.split(f'id="{table_id}"', 1)[1].split("</section>", 1)[0]
    match = re.search(rf'<tr data-unit="{unit_id}">(.*?)</tr>', section, re.S)
    assert match, f"unit {unit_id} not in {table_id}"
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)
    ]
