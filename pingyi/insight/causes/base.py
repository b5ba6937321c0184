"""What the root-cause analysis reads: its thresholds, the selection a page asks for, one analysed rating."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


@dataclass(frozen=True)
class Thresholds:
    """Each value comes from ``settings.PINGYI_CAUSES[name]``, else ``PINGYI_CAUSES_<NAME>``, else this default."""

    months_shown: int = 6  # the default period: this month and the five before it
    max_days: int = 366  # the longest period one page reads
    recurring_min_months: int = 2  # an item fails in at least this many consecutive months …
    recurring_min_per_month: int = 2  # … each with at least this many 差评 + 基本满意
    topic_min_ratings: int = 3  # a keyword is a recurring topic in at least this many ratings …
    topic_min_periods: int = 2  # … spread over at least this many weeks (periods up to 62 days) or months
    keywords_shown: int = 30
    max_comments: int = 20000  # the most recent comments segmented per page (tags are always counted in full)
    top_tags: int = 3  # tags and keywords shown beside a unit or an item


def thresholds() -> Thresholds:
    configured = getattr(settings, "PINGYI_CAUSES", {}) or {}
    values: dict[str, int] = {}
    for f in fields(Thresholds):
        raw = configured.get(f.name, os.environ.get(f"PINGYI_CAUSES_{f.name.upper()}"))
        if raw not in (None, ""):
            values[f.name] = int(raw)
    return Thresholds(**values)


@dataclass(frozen=True)
class Selection:
    """What the page asks for: local days ``start``..``end`` (inclusive), optionally one unit and one item."""

    start: date
    end: date
    unit_id: int | None = None
    item_id: int | None = None

    def bounds(self) -> tuple[datetime, datetime]:
        tz = ZoneInfo(settings.TIME_ZONE)
        return (
            datetime.combine(self.start, time.min, tzinfo=tz),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=tz),
        )

    def months(self) -> list[date]:
        months, month = [], self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
        return months


def default_selection(today: date | None = None) -> Selection:
    today = today or timezone.localdate()
    month = today.replace(day=1)
    for _ in range(thresholds().months_shown - 1):
        month = (month - timedelta(days=1)).replace(day=1)
    return Selection(month, today)


@dataclass
class Voice:
    """One 差评 or 基本满意 as analysed: where, when, which tags, what was written. Nothing about who."""

    id: int
    unit_id: int
    item_id: int | None
    negative: bool
    day: date
    tags: tuple[tuple[str, str], ...]  # (version, code), each once
    comment: str
    words: frozenset[str] = frozenset()  # filled for the comments that were segmented
