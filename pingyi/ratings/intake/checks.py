"""The door's checks, in Python: the answer (level, reason tags, dimensions, comment, phone), the target, the rate
limits and the integrity flags. The portable store (``orm``) runs all of them; the PostgreSQL statements
(``statement``, ``batch``) run the checks that need no database from here and decide the rest in SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from pingyi.catalog.models import Staff, Window
from pingyi.lib import crypto, scales
from pingyi.ratings.errors import InvalidRating, RateLimited
from pingyi.ratings.intake import rules
from pingyi.ratings.intake.input import RatingInput
from pingyi.ratings.models import Rating, ReasonTag, StaffDevice, new_tracking_code
from pingyi.ratings.selectors import staff_on_duty
from pingyi.ratings.tagdata import DIMENSIONS

DIMENSION_KEYS = {key for key, _ in DIMENSIONS}
# The channels whose ratings are made at the window, so the posted hours apply.
HOURS_CHANNELS = frozenset({scales.Channel.QR, scales.Channel.PAD, scales.Channel.TERMINAL})


def intake_limits() -> dict[str, int]:
    return settings.PINGYI_RATINGS


def validate(data: RatingInput) -> tuple[scales.Level, list[str], dict[str, int], str, str]:
    try:
        level = scales.level(data.scale, int(data.level))
    except (scales.CodeError, ValueError, TypeError) as exc:
        raise InvalidRating(str(exc), field="level") from exc
    tags = list(dict.fromkeys(str(t).strip() for t in data.tags if str(t).strip()))
    if tags:
        known = {t.code: t for t in ReasonTag.objects.filter(version=data.tag_version, code__in=tags)}
        for code in tags:
            tag = known.get(code)
            if tag is None:
                raise InvalidRating(f"评价标签“{code}”不存在", field="tags")
            if scales.from_five(data.scale, tag.level5) != level.value:
                raise InvalidRating(f"评价标签“{tag.label}”不属于“{level.label}”", field="tags")
    dimensions: dict[str, int] = {}
    for key, value in (data.dimensions or {}).items():
        if key not in DIMENSION_KEYS:
            raise InvalidRating(f"分项“{key}”不存在", field="dimensions")
        try:
            score = int(value)
        except (TypeError, ValueError) as exc:
            raise InvalidRating("分项评分应为1–5", field="dimensions") from exc
        if not 1 <= score <= 5:
            raise InvalidRating("分项评分应为1–5", field="dimensions")
        dimensions[key] = score
    comment = (data.comment or "").replace("\x00", "").strip()
    if len(comment) > intake_limits()["comment_max_chars"]:
        raise InvalidRating(f"评价内容最多 {intake_limits()['comment_max_chars']} 个字", field="comment")
    phone = ""
    if data.phone:
        try:
            phone = crypto.normalize_phone(data.phone)
        except ValueError as exc:
            raise InvalidRating("手机号码格式不正确", field="phone") from exc
    return level, tags, dimensions, phone, comment


def resolve(data: RatingInput) -> None:
    """Fill unit, window, staff and item from the record or the window and the duty roster."""
    record = data.record
    if record is not None:
        data.unit = data.unit or record.unit
        data.window = data.window or record.window
        data.staff = data.staff or record.staff
        data.item = data.item or record.item
    if data.window is not None:
        data.unit = data.unit or data.window.unit
        if data.staff is None:
            data.staff = staff_on_duty(data.window, data.rated_at or timezone.now())
    if data.unit is None:
        raise InvalidRating("评价必须指明单位、窗口或办件", field="target")


@dataclass(frozen=True)
class Recent:
    """What the door needs to know about earlier ratings from the same device and phone (two queries at most)."""

    device_10min: int = 0
    phone_day: int = 0
    phone_records_30d: int = 0
    phone_units_30d: int = 0
    phone_seen_unit: bool = False


def recent_counts(data: RatingInput, phone_index: str, rated_at: datetime, now: datetime) -> Recent:
    device_10min = 0
    if data.device_fp and not data.historical:
        device_10min = Rating.objects.filter(
            device_fp=data.device_fp, received_at__gte=now - timedelta(minutes=10)
        ).count()
    if not phone_index:
        return Recent(device_10min=device_10min)
    since, day_ago = rated_at - timedelta(days=30), now - timedelta(days=1)
    window_30d = Q(rated_at__gte=since)
    counts = Rating.objects.filter(
        Q(phone_index=phone_index) & (window_30d | Q(received_at__gte=day_ago))
    ).aggregate(
        day=Count("id", filter=Q(received_at__gte=day_ago)),
        records=Count("record", distinct=True, filter=window_30d),
        units=Count("unit", distinct=True, filter=window_30d),
        same_unit=Count("id", filter=window_30d & Q(unit=data.unit)),
    )
    return Recent(device_10min, counts["day"], counts["records"], counts["units"], counts["same_unit"] > 0)


class _LazyFacts(Mapping[str, Any]):
    """Facts computed when a rule first asks for them (a database question only when it matters)."""

    def __init__(self, known: dict[str, Any], lazy: dict[str, Callable[[], Any]]) -> None:
        self._known, self._lazy = known, lazy

    def __getitem__(self, name: str) -> Any:
        if name not in self._known:
            self._known[name] = self._lazy[name]()
        return self._known[name]

    def __iter__(self) -> Iterator[str]:
        return iter({**self._lazy, **self._known})

    def __len__(self) -> int:
        return len({**self._lazy, **self._known})


def facts(
    data: RatingInput, phone_index: str, recent: Recent, rated_at: datetime | None = None
) -> Mapping[str, Any]:
    """The facts of ``rules`` for one rating, as the portable store knows them (``rated_at``: for the flags)."""
    counts_device = bool(data.device_fp) and not data.historical
    known: dict[str, Any] = {
        "has_phone": bool(phone_index),
        "has_device": bool(data.device_fp),
        "historical": data.historical,
        "counts_device": counts_device,
        "device_10min": recent.device_10min,
        "phone_day": recent.phone_day,
        "phone_records_30d": recent.phone_records_30d,
        "record_new": 1 if data.record else 0,
        "phone_units_30d": recent.phone_units_30d,
        "unit_new": 0 if recent.phone_seen_unit else 1,
        "phone_differs": bool(
            data.record is not None and data.record.phone_index and data.record.phone_index != phone_index
        ),
        "hours_apply": data.window is not None and not data.historical and data.channel in HOURS_CHANNELS,
    }
    unit = data.unit
    lazy: dict[str, Callable[[], Any]] = {
        "staff_phone": lambda: (
            unit is not None
            and Staff.objects.filter(unit__district_id=unit.district_id, phone_index=phone_index).exists()
        ),
        "staff_device": lambda: StaffDevice.objects.filter(device_fp=data.device_fp).exists(),
        "outside_hours": lambda: (
            data.window is not None and rated_at is not None and _outside_hours(data.window, rated_at)
        ),
    }
    assert set(known) | set(lazy) == set(rules.FACTS), "every fact of rules, and only those"
    return _LazyFacts(known, lazy)


def check_limits(data: RatingInput, recent: Recent, phone_index: str) -> None:
    """Raise RateLimited for the first limit of ``rules.LIMITS`` this rating reaches."""
    limit = rules.refusal(facts(data, phone_index, recent), intake_limits())
    if limit is not None:
        raise RateLimited(limit.message)


def _outside_hours(window: Window, at: datetime) -> bool:
    local = timezone.localtime(at)
    grace = timedelta(minutes=intake_limits()["outside_hours_grace_minutes"])
    for session in window.hours.all():
        if session.weekday != local.weekday():
            continue
        opens = local.replace(hour=session.opens.hour, minute=session.opens.minute, second=0, microsecond=0)
        closes = local.replace(
            hour=session.closes.hour, minute=session.closes.minute, second=0, microsecond=0
        )
        if opens - grace <= local <= closes + grace:
            return False
    return True


def integrity_flags(data: RatingInput, phone_index: str, rated_at: datetime, recent: Recent) -> list[str]:
    """Reasons an inspector should look at this rating (``rules.FLAGS``); the rating is stored all the same."""
    assert data.unit is not None
    return rules.flags_of(facts(data, phone_index, recent, rated_at), intake_limits())


def new_rating(
    data: RatingInput,
    *,
    level: scales.Level,
    tags: list[str],
    dimensions: dict[str, int],
    comment: str,
    phone: str,
    rated_at: datetime,
    **target: Any,
) -> Rating:
    """The unsaved row both intake paths store: the answer as validated, the target as each path resolved it."""
    rating = Rating(
        **target,
        channel=data.channel,
        scale=data.scale,
        level=level.value,
        level5=scales.to_five(data.scale, level.value),
        negative=level.negative,
        kind=data.kind,
        stage=data.stage,
        is_default=data.is_default,
        follows=data.follows,
        tag_version=data.tag_version if tags else "",
        tags=tags,
        dimensions=dimensions,
        comment=comment,
        device=data.device,
        entered_by=data.entered_by,
        external_ref=data.external_ref[:64],
        device_fp=data.device_fp,
        network_fp=data.network_fp,
        rated_at=rated_at,
    )
    if phone:
        rating.set_phone(phone)
    if level.negative and not data.is_default:
        rating.tracking_code = new_tracking_code()
    return rating
