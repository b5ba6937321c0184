"""Root causes (原因分析): reason tags, comment keywords and the service items that keep failing.

Everything is read from the raw ratings of one period in the user's scope: the non-satisfied ones only (差评 and
基本满意, default ratings excluded), which are few, in one query bounded by the period and by the scope's indexed
column (district, hall's windows, unit or staff, each indexed with ``rated_at``). No evaluator data is read: no phone,
no fingerprint, no record — staff may see the comments on their own ratings, never who wrote them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from pingyi.accounts.roles import Someone
from pingyi.accounts.scopes import restrict
from pingyi.catalog.models import ServiceItem, Unit
from pingyi.insight.causes.base import Selection, Thresholds, Voice, thresholds
from pingyi.insight.causes.keywords import Keyword, KeywordResult, item_keywords, keywords
from pingyi.ratings.models import Rating, ReasonTag
from pingyi.ratings.tagdata import CURRENT_VERSION


def voices(user: Someone, selection: Selection) -> list[Voice]:
    """The period's active 差评 and 基本满意 in the user's scope, newest first (one query)."""
    lo, hi = selection.bounds()
    qs = restrict(Rating.objects.all(), user).filter(
        rated_at__gte=lo, rated_at__lt=hi, level5__lte=3, is_default=False
    )
    if selection.unit_id is not None:
        qs = qs.filter(unit_id=selection.unit_id)
    if selection.item_id is not None:
        qs = qs.filter(item_id=selection.item_id)
    rows = qs.order_by("-rated_at", "-id").values_list(
        "id", "unit_id", "item_id", "negative", "rated_at", "tag_version", "tags", "comment"
    )
    tz = timezone.get_default_timezone()  # local days, as Selection.bounds
    found = []
    for pk, unit_id, item_id, negative, rated_at, version, tags, comment in rows.iterator(chunk_size=2000):
        codes = dict.fromkeys(str(code) for code in (tags or []))
        found.append(
            Voice(
                pk,
                unit_id,
                item_id,
                bool(negative),
                rated_at.astimezone(tz).date(),
                tuple((version or "", code) for code in codes),
                comment or "",
            )
        )
    return found


# ----------------------------------------------------------------------------------------------------- reason tags
@dataclass(frozen=True)
class TagCount:
    version: str
    code: str
    label: str
    count: int
    share: float | None  # of the ratings of that level in the selection

    @property
    def percent(self) -> float | None:
        return None if self.share is None else round(self.share * 100, 1)


def tag_labels(keys: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Labels of (version, code) pairs; a rating stored without a version reads the current set, then any."""
    codes = {code for _, code in keys}
    by_key: dict[tuple[str, str], str] = {}
    by_code: dict[str, str] = {}
    for tag in ReasonTag.objects.filter(code__in=codes).order_by("version"):
        by_key[(tag.version, tag.code)] = tag.label
        if tag.version == CURRENT_VERSION or tag.code not in by_code:
            by_code[tag.code] = tag.label
    return {key: by_key.get(key) or by_code.get(key[1], key[1]) for key in keys}


def count_tags(group: list[Voice], labels: dict[tuple[str, str], str]) -> list[TagCount]:
    """Each tag counted once per rating, most frequent first."""
    counts = Counter(key for voice in group for key in voice.tags)
    total = len(group)
    return [
        TagCount(version, code, labels.get((version, code), code), n, n / total if total else None)
        for (version, code), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][1], kv[0][0]))
    ]


# ---------------------------------------------------------------------------------------------- units and items
@dataclass
class MonthCount:
    month: date
    negative: int = 0
    basic: int = 0

    @property
    def total(self) -> int:
        return self.negative + self.basic


@dataclass
class GroupCauses:
    """One unit or item: its 差评 and 基本满意, month by month, with its top tags and keywords."""

    key: int
    label: str
    unit_label: str
    negative: int
    basic: int
    months: list[MonthCount]
    tags: list[TagCount]
    keywords: list[Keyword] = field(default_factory=list)
    streak: int = 0  # the longest run of consecutive failing months
    streak_from: date | None = None
    streak_to: date | None = None
    recurring: bool = False

    @property
    def total(self) -> int:
        return self.negative + self.basic


def _month_counts(group: list[Voice], months: list[date]) -> list[MonthCount]:
    by_month = {month: MonthCount(month) for month in months}
    for voice in group:
        row = by_month[voice.day.replace(day=1)]
        if voice.negative:
            row.negative += 1
        else:
            row.basic += 1
    return list(by_month.values())


def _streak(months: list[MonthCount], minimum: int) -> tuple[int, date | None, date | None]:
    """The longest run of consecutive months with at least ``minimum`` 差评 + 基本满意: (length, first, last)."""
    best: tuple[int, date | None, date | None] = (0, None, None)
    run, start = 0, None
    for row in months:
        if row.total >= minimum:
            run, start = run + 1, start or row.month
            if run > best[0]:
                best = (run, start, row.month)
        else:
            run, start = 0, None
    return best


def _group(
    key: int,
    label: str,
    unit_label: str,
    group: list[Voice],
    months: list[date],
    labels: dict[tuple[str, str], str],
    th: Thresholds,
) -> GroupCauses:
    negative = sum(1 for v in group if v.negative)
    causes = GroupCauses(
        key,
        label,
        unit_label,
        negative,
        len(group) - negative,
        _month_counts(group, months),
        count_tags(group, labels)[: th.top_tags],
    )
    causes.streak, causes.streak_from, causes.streak_to = _streak(causes.months, th.recurring_min_per_month)
    causes.recurring = causes.streak >= th.recurring_min_months
    return causes


@dataclass(frozen=True)
class MonthCauses:
    month: date
    negative: int
    basic: int
    negative_tags: list[TagCount]
    basic_tags: list[TagCount]


def by_month(
    found: list[Voice], selection: Selection, labels: dict[tuple[str, str], str]
) -> list[MonthCauses]:
    """Each month of the period, with its top tags of each level (months without any are listed too)."""
    top = thresholds().top_tags
    groups: dict[date, list[Voice]] = {month: [] for month in selection.months()}
    for voice in found:
        groups[voice.day.replace(day=1)].append(voice)
    rows = []
    for month, group in groups.items():
        negative = [v for v in group if v.negative]
        basic = [v for v in group if not v.negative]
        rows.append(
            MonthCauses(
                month,
                len(negative),
                len(basic),
                count_tags(negative, labels)[:top],
                count_tags(basic, labels)[:top],
            )
        )
    return rows


def by_unit(
    found: list[Voice], selection: Selection, labels: dict[tuple[str, str], str]
) -> list[GroupCauses]:
    th, months = thresholds(), selection.months()
    groups: dict[int, list[Voice]] = defaultdict(list)
    for voice in found:
        groups[voice.unit_id].append(voice)
    names = dict(Unit.objects.filter(pk__in=groups).values_list("pk", "name"))
    rows = [
        _group(unit_id, names.get(unit_id, ""), names.get(unit_id, ""), group, months, labels, th)
        for unit_id, group in groups.items()
    ]
    return sorted(rows, key=lambda g: (-g.negative, -g.total, g.label))


def by_item(
    found: list[Voice], selection: Selection, labels: dict[tuple[str, str], str]
) -> list[GroupCauses]:
    """Every item with a 差评 or 基本满意, the recurring ones first: longest failing run, then 差评, then all."""
    th, months = thresholds(), selection.months()
    groups: dict[int, list[Voice]] = defaultdict(list)
    for voice in found:
        if voice.item_id is not None:
            groups[voice.item_id].append(voice)
    items = {
        item.pk: item for item in ServiceItem.objects.filter(pk__in=groups).select_related("unit").only(
            "code", "name", "unit__name"
        )
    }  # fmt: skip
    rows = []
    for item_id, group in groups.items():
        item = items.get(item_id)
        label = f"{item.code} {item.name}" if item else str(item_id)
        row = _group(item_id, label, item.unit.name if item else "", group, months, labels, th)
        if row.recurring:
            row.keywords = item_keywords(group, th.top_tags + 2)
        rows.append(row)
    return sorted(rows, key=lambda g: (not g.recurring, -g.streak, -g.negative, -g.total, g.label))


# ------------------------------------------------------------------------------------------------------- report
@dataclass
class Causes:
    selection: Selection
    voices: list[Voice]
    negative_tags: list[TagCount]
    basic_tags: list[TagCount]
    months: list[MonthCauses]
    units: list[GroupCauses]
    items: list[GroupCauses]
    keywords: KeywordResult
    negative: int
    basic: int
    labels: dict[tuple[str, str], str]  # tag labels by (version, code)

    @property
    def recurring_items(self) -> list[GroupCauses]:
        return [row for row in self.items if row.recurring]

    @property
    def other_items(self) -> list[GroupCauses]:
        return [row for row in self.items if not row.recurring]


def causes(user: Someone, selection: Selection) -> Causes:
    """The whole analysis of one selection, in the user's scope."""
    th = thresholds()
    found = voices(user, selection)
    labels = tag_labels({key for voice in found for key in voice.tags})
    negative = [v for v in found if v.negative]
    basic = [v for v in found if not v.negative]
    words = keywords(found, selection.start, selection.end, th)  # segments the comments (fills Voice.words)
    return Causes(
        selection=selection,
        voices=found,
        negative_tags=count_tags(negative, labels),
        basic_tags=count_tags(basic, labels),
        months=by_month(found, selection, labels),
        units=by_unit(found, selection, labels),
        items=by_item(found, selection, labels),
        keywords=words,
        negative=len(negative),
        basic=len(basic),
        labels=labels,
    )
