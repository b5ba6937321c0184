"""The window-device API (evaluation pads and terminals) at /api/v1/device/.

Devices authenticate with their own token (``Authorization: Bearer dev_…``), never a user's; a user token is
refused here. Writes take an Idempotency-Key; the principal is ``device:<id>``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.security import HttpBearer

from pingyi.api.errors import ApiError
from pingyi.api.idempotency import run_idempotent
from pingyi.ledger.models import ServiceRecord
from pingyi.lib import scales
from pingyi.ratings.channels.device import adapter
from pingyi.ratings.channels.device.services import device_by_token
from pingyi.ratings.errors import RatingError
from pingyi.ratings.models import Device, Rating
from pingyi.ratings.selectors import deployment_scale


class DeviceAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Device | None:
        device = device_by_token(token.strip())
        if device is None:
            return None
        if not device.active:
            raise ApiError(401, "device_inactive", "该评价设备已停用，请联系大厅管理员")
        return device


router = Router(tags=["devices"], auth=DeviceAuth())


class WindowInfo(Schema):
    id: int
    code: str
    name: str
    unit_id: int
    unit_name: str
    hall_id: int
    hall_name: str


class DeviceMe(Schema):
    id: int
    name: str
    kind: str
    scale: str
    window: WindowInfo


class DeviceRatingIn(Schema):
    record_no: str = Field(..., min_length=1, max_length=64, description="办件编号（本窗口所属单位的）")
    stage: Literal["accepted", "finished"] = Field(..., description="受理 accepted / 办结 finished")
    level: int = Field(..., description="评价等级（评价制上的数值）")
    scale: Literal["five", "three"] | None = Field(None, description="默认为本部署的评价制")
    tags: list[str] = Field(default_factory=list)
    dimensions: dict[str, int] = Field(default_factory=dict)
    comment: str = Field("", max_length=2000)
    kind: Literal["first", "follow_up"] = "first"
    rated_at: datetime | None = None


class DeviceRatingOut(Schema):
    id: int
    tracking_code: str | None
    record_no: str
    stage: str
    kind: str
    level: int
    scale: str
    negative: bool


class ErrorOut(Schema):
    error: dict[str, Any]


def _device(request: HttpRequest) -> Device:
    device = request.auth  # type: ignore[attr-defined]
    assert isinstance(device, Device)
    return device


@router.get("/me", response=DeviceMe, summary="本设备及其窗口")
def device_me(request: HttpRequest) -> Any:
    device = _device(request)
    window = device.window
    return {
        "id": device.pk,
        "name": device.name,
        "kind": device.kind,
        "scale": deployment_scale().value,
        "window": {
            "id": window.pk,
            "code": window.code,
            "name": window.name,
            "unit_id": window.unit_id,
            "unit_name": window.unit.name,
            "hall_id": window.hall_id,
            "hall_name": window.hall.name,
        },
    }


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _submit(device: Device, payload: DeviceRatingIn) -> tuple[int, dict[str, Any]]:
    record = (
        ServiceRecord.objects.select_related("unit", "window", "staff", "item")
        .filter(unit_id=device.window.unit_id, record_no=payload.record_no.strip())
        .first()
    )
    if record is None:
        raise ApiError(404, "record_not_found", "未找到该办件，请核对办件编号", {"record_no": ["办件不存在"]})
    if (
        payload.kind == Rating.Kind.FOLLOW_UP
        and not Rating.objects.filter(record=record, stage=payload.stage, kind=Rating.Kind.FIRST).exists()
    ):
        raise ApiError(422, "not_rated_yet", "该办件尚未评价，不能追加评价", {"kind": ["请先进行首次评价"]})
    follows = None
    if payload.kind == Rating.Kind.FOLLOW_UP:
        follows = (
            Rating.objects.filter(record=record, stage=payload.stage, kind=Rating.Kind.FIRST)
            .order_by("id")
            .first()
        )
    try:
        rating = adapter.submit(
            device,
            record,
            scale=scales.Scale(payload.scale) if payload.scale else deployment_scale(),
            level=payload.level,
            stage=payload.stage,
            kind=payload.kind,
            follows=follows,
            tags=payload.tags,
            dimensions=payload.dimensions,
            comment=payload.comment,
            rated_at=_aware(payload.rated_at),
        )
    except RatingError as exc:
        fields = {exc.field: [exc.message]} if exc.field else None
        raise ApiError(exc.status, exc.code, exc.message, fields) from exc
    body = DeviceRatingOut(
        id=rating.pk,
        tracking_code=rating.tracking_code,
        record_no=record.record_no,
        stage=rating.stage,
        kind=rating.kind,
        level=rating.level,
        scale=rating.scale,
        negative=rating.negative,
    ).dict()
    return 201, body


@router.post(
    "/ratings",
    response={201: DeviceRatingOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="提交一条评价（需 Idempotency-Key）",
)
def device_rating_create(request: HttpRequest, payload: DeviceRatingIn) -> Any:
    device = _device(request)
    return Status(*run_idempotent(request, f"device:{device.pk}", lambda: _submit(device, payload)))
