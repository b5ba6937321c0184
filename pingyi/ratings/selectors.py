"""Reads for rating intake: resolving a QR or receipt code, who was on duty, the tags of a level."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from pingyi.catalog.models import DutyShift, Staff, Window
from pingyi.ledger.models import ServiceRecord
from pingyi.lib import scales
from pingyi.ratings.models import QrPoster, ReasonTag
from pingyi.ratings.tagdata import CURRENT_VERSION


def deployment_scale() -> scales.Scale:
    return scales.Scale(settings.PINGYI_RATING_SCALE)


@dataclass(frozen=True)
class Target:
    """What a citizen is rating: always a window or a record (which names its window, if any)."""

    window: Window | None
    record: ServiceRecord | None
    poster: QrPoster | None
    state: str  # "ok", "retired", "expired"


def target_by_code(code: str) -> Target | None:
    """A QR poster token (W…) or a receipt code (R…), or None when neither exists."""
    if code.startswith("W"):
        poster = QrPoster.objects.select_related("window__unit", "window__hall").filter(token=code).first()
        if poster is None:
            return None
        state = "ok"
        if poster.retired_at is not None:
            state = "retired"
        elif poster.expires_on < timezone.localdate():
            state = "expired"
        return Target(poster.window, None, poster, state)
    if code.startswith("R"):
        record = (
            ServiceRecord.objects.select_related("window__unit", "window__hall", "unit", "staff", "item")
            .filter(rating_code=code)
            .first()
        )
        if record is None:
            return None
        return Target(record.window, record, None, "ok")
    return None


def current_poster(window: Window) -> QrPoster | None:
    return window.posters.filter(retired_at__isnull=True).order_by("-version").first()


def staff_on_duty(window: Window | None, at: datetime) -> Staff | None:
    if window is None:
        return None
    shift = (
        DutyShift.objects.select_related("staff")
        .filter(window=window, starts_at__lte=at, ends_at__gt=at)
        .order_by("-starts_at")
        .first()
    )
    return shift.staff if shift else None


def tags_by_level(scale: scales.Scale, version: str = CURRENT_VERSION) -> dict[int, list[ReasonTag]]:
    """The active tags of a version, grouped by the level of ``scale`` they belong to."""
    grouped: dict[int, list[ReasonTag]] = {lvl.value: [] for lvl in scales.levels(scale)}
    for tag in ReasonTag.objects.filter(version=version, active=True).order_by("code"):
        grouped[scales.from_five(scale, tag.level5)].append(tag)
    return grouped
