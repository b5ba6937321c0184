"""The door's checks, in Python: the answer (level, reason tags, dimensions, comment, phone), the target, the rate
limits and the integrity flags. The portable store (``portable``) runs all of them; the PostgreSQL statements
(``statement``, ``batch``) run the checks that need no database from here and decide the rest in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from pingyi.catalog.models import Staff, Window
from pingyi.lib import crypto, scales
from pingyi.ratings.errors import InvalidRating, RateLimited
from pingyi.ratings.intake.input import RatingInput
from pingyi.ratings.models import Rating, ReasonTag, StaffDevice, new_tracking_code
from pingyi.ratings.selectors import staff_on_duty
from pingyi.ratings.tagdata import DIMENSIONS

DIMENSION_KEYS = {key for key, _ in DIMENSIONS}


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


def check_limits(data: RatingInput, recent: Recent, phone_index: str) -> None:
    if data.historical:
        return
    if data.device_fp and recent.device_10min >= intake_limits()["limit_per_device_10min"]:
        raise RateLimited("评价过于频繁，请稍后再试")
    if phone_index and recent.phone_day >= intake_limits()["limit_per_phone_day"]:
        raise RateLimited("该手机号今日评价次数已达上限")


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
    """Reasons an inspector should look at this rating; the rating is stored all the same."""
    flags: list[str] = []
    assert data.unit is not None
    if (
        phone_index
        and Staff.objects.filter(unit__district_id=data.unit.district_id, phone_index=phone_index).exists()
    ):
        flags.append("staff_phone")
    if data.device_fp and StaffDevice.objects.filter(device_fp=data.device_fp).exists():
        flags.append("staff_device")
    if (
        data.device_fp
        and not data.historical
        and recent.device_10min + 1 >= intake_limits()["burst_per_device_10min"]
    ):
        flags.append("burst")
    if phone_index:
        records = recent.phone_records_30d + (1 if data.record else 0)
        units = recent.phone_units_30d + (0 if recent.phone_seen_unit else 1)
        if records >= intake_limits()["phone_records_30d"] or units >= intake_limits()["phone_units_30d"]:
            flags.append("phone_many")
        if data.record is not None and data.record.phone_index and data.record.phone_index != phone_index:
            flags.append("phone_differs_from_record")
    if (
        data.window is not None
        and not data.historical
        and data.channel
        in {
            scales.Channel.QR,
            scales.Channel.PAD,
            scales.Channel.TERMINAL,
        }
        and _outside_hours(data.window, rated_at)
    ):
        flags.append("outside_hours")
    return flags


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
