"""Rating intake: one service for every channel (QR page, device, SMS, operator, import).

``rating_submit`` validates the answer against the deployment's scale and tag set, refuses duplicates and floods,
flags (never drops) suspicious ratings, and stores one append-only row. Ratings are not chained one by one into the
audit log — at 450,000 a day that would serialise every writer — but sealed per day (``seals.py``): each day's digest
goes into the chain, so a rating edited, deleted or inserted afterwards is detected by ``pingyi audit verify``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from pingyi.catalog.models import ServiceItem, Staff, Unit, Window
from pingyi.ledger.models import ServiceRecord
from pingyi.lib import crypto, scales
from pingyi.ratings import hooks
from pingyi.ratings.errors import AlreadyRated, InvalidRating, RateLimited
from pingyi.ratings.models import Device, Rating, ReasonTag, StaffDevice, new_tracking_code
from pingyi.ratings.selectors import staff_on_duty
from pingyi.ratings.tagdata import CURRENT_VERSION, DIMENSIONS

DIMENSION_KEYS = {key for key, _ in DIMENSIONS}


@dataclass
class RatingInput:
    """Everything a channel knows about one rating; the service fills in the rest."""

    channel: scales.Channel
    scale: scales.Scale
    level: int
    unit: Unit | None = None
    window: Window | None = None
    record: ServiceRecord | None = None
    item: ServiceItem | None = None
    staff: Staff | None = None
    stage: str = ""
    kind: str = Rating.Kind.FIRST
    follows: Rating | None = None
    tags: list[str] = field(default_factory=list)
    tag_version: str = CURRENT_VERSION
    dimensions: dict[str, int] = field(default_factory=dict)
    comment: str = ""
    phone: str = ""
    rated_at: datetime | None = None
    device: Device | None = None
    device_fp: str = ""
    network_fp: str = ""
    entered_by: Any = None
    external_ref: str = ""
    is_default: bool = False
    # Historical imports skip the rate limits and the office-hours flag (the time is the original one).
    historical: bool = False


def _limits() -> dict[str, int]:
    return settings.PINGYI_RATINGS


def _validate(data: RatingInput) -> tuple[scales.Level, list[str], dict[str, int], str, str]:
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
    if len(comment) > _limits()["comment_max_chars"]:
        raise InvalidRating(f"评价内容最多 {_limits()['comment_max_chars']} 个字", field="comment")
    phone = ""
    if data.phone:
        try:
            phone = crypto.normalize_phone(data.phone)
        except ValueError as exc:
            raise InvalidRating("手机号码格式不正确", field="phone") from exc
    return level, tags, dimensions, phone, comment


def _resolve(data: RatingInput) -> None:
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
class _Recent:
    """What the door needs to know about earlier ratings from the same device and phone (two queries at most)."""

    device_10min: int = 0
    phone_day: int = 0
    phone_records_30d: int = 0
    phone_units_30d: int = 0
    phone_seen_unit: bool = False


def _recent(data: RatingInput, phone_index: str, rated_at: datetime, now: datetime) -> _Recent:
    device_10min = 0
    if data.device_fp and not data.historical:
        device_10min = Rating.objects.filter(
            device_fp=data.device_fp, received_at__gte=now - timedelta(minutes=10)
        ).count()
    if not phone_index:
        return _Recent(device_10min=device_10min)
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
    return _Recent(device_10min, counts["day"], counts["records"], counts["units"], counts["same_unit"] > 0)


def _check_limits(data: RatingInput, recent: _Recent, phone_index: str) -> None:
    if data.historical:
        return
    if data.device_fp and recent.device_10min >= _limits()["limit_per_device_10min"]:
        raise RateLimited("评价过于频繁，请稍后再试")
    if phone_index and recent.phone_day >= _limits()["limit_per_phone_day"]:
        raise RateLimited("该手机号今日评价次数已达上限")


def _outside_hours(window: Window, at: datetime) -> bool:
    local = timezone.localtime(at)
    grace = timedelta(minutes=_limits()["outside_hours_grace_minutes"])
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


def _flags(data: RatingInput, phone_index: str, rated_at: datetime, recent: _Recent) -> list[str]:
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
        and recent.device_10min + 1 >= _limits()["burst_per_device_10min"]
    ):
        flags.append("burst")
    if phone_index:
        records = recent.phone_records_30d + (1 if data.record else 0)
        units = recent.phone_units_30d + (0 if recent.phone_seen_unit else 1)
        if records >= _limits()["phone_records_30d"] or units >= _limits()["phone_units_30d"]:
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


def rating_submit(data: RatingInput) -> Rating:
    """Store one rating from any channel, or raise a RatingError saying why not (in Chinese).

    On PostgreSQL the same decision is taken in one SQL statement (``intake_sql``, docs/decisions/0009); elsewhere by
    ``rating_submit_portable``. tests/ratings/test_intake_sql.py proves that both store the same rows and raise the
    same errors. A 差评 then opens its ticket once the transaction commits (``hooks``).
    """
    if connection.vendor == "postgresql":
        from pingyi.ratings.intake_sql import rating_submit_fast

        rating = rating_submit_fast(data)
    else:
        rating = rating_submit_portable(data)
    if rating.negative and not rating.is_default:
        hooks.negative_stored(rating)
    return rating


def rating_submit_portable(data: RatingInput) -> Rating:
    """The ORM path of ``rating_submit``: every database and the reference for the PostgreSQL statement."""
    level, tags, dimensions, phone, comment = _validate(data)
    _resolve(data)
    now = timezone.now()
    rated_at = data.rated_at or now
    if rated_at > now + timedelta(minutes=5):
        raise InvalidRating("评价时间不能晚于当前时间", field="rated_at")
    phone_index = crypto.blind_index(phone) if phone else ""
    # A second first rating of a record and stage is refused by the unique constraint (AlreadyRated below).
    if data.kind == Rating.Kind.FOLLOW_UP and data.follows is None and data.record is not None:
        data.follows = (
            Rating.objects.filter(record=data.record, stage=data.stage, kind=Rating.Kind.FIRST)
            .order_by("id")
            .first()
        )
        if data.follows is None:
            raise InvalidRating("该办件尚未评价，不能追加评价", field="kind")
    recent = _recent(data, phone_index, rated_at, now)
    _check_limits(data, recent, phone_index)
    assert data.unit is not None
    rating = new_rating(
        data,
        level=level,
        tags=tags,
        dimensions=dimensions,
        comment=comment,
        phone=phone,
        rated_at=rated_at,
        district_id=data.unit.district_id,
        unit=data.unit,
        window=data.window,
        staff=data.staff,
        item=data.item,
        record=data.record,
    )
    rating.flags = _flags(data, phone_index, rated_at, recent)
    try:
        if transaction.get_connection().in_atomic_block:
            with (
                transaction.atomic()
            ):  # a savepoint, so that a duplicate does not break the caller's transaction
                rating.save()
        else:
            rating.save()  # autocommit: one INSERT, no BEGIN/COMMIT round trips
    except IntegrityError as exc:
        if data.record is not None and data.kind == Rating.Kind.FIRST:
            raise AlreadyRated() from exc
        raise
    return rating
