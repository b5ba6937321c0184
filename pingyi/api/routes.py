"""The HTTP API (OpenAPI 3 at /api/v1/openapi.json). Every query is scoped; writes take an Idempotency-Key."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Query, Router, Status

from pingyi.accounts.roles import signed_in
from pingyi.accounts.scopes import restrict
from pingyi.api.auth import AUTH
from pingyi.api.errors import ApiError, install_handlers
from pingyi.api.idempotency import run_idempotent
from pingyi.api.schemas import (
    HallOut,
    ItemIn,
    ItemOut,
    Me,
    StaffIn,
    StaffOut,
    UnitIn,
    UnitOut,
    WindowIn,
    WindowOut,
)
from pingyi.catalog import forms
from pingyi.catalog.hours import format_hours
from pingyi.catalog.models import Hall, ServiceItem, Staff, Unit, Window
from pingyi.catalog.services import catalog_object_save
from pingyi.ledger.api import router as ledger_router
from pingyi.ratings.channels.device.api import router as device_router
from pingyi.tickets.api import router as tickets_router

api = NinjaAPI(title="pingyi API", version="1", auth=AUTH, urls_namespace="api", docs_url="/docs")
install_handlers(api)
catalog = Router(tags=["catalog"])


# Paging: a negative offset or an empty page is a 422, not a crash; a limit above 500 is cut to 500.
LIMIT = Query(100, ge=1, description="页大小（最多 500）")
OFFSET = Query(0, ge=0, le=10**9, description="跳过的条数")
# An id filter beyond a 64-bit key matches nothing; refusing it keeps SQLite from overflowing.
UNIT_FILTER = Query(None, ge=1, le=2**63 - 1, description="只看该单位的")


def _page(queryset: Any, limit: int, offset: int) -> Any:
    return queryset[offset : offset + min(limit, 500)]


def _window_out(w: Window) -> dict[str, Any]:
    return {
        "id": w.pk,
        "code": w.code,
        "name": w.name,
        "hall_id": w.hall_id,
        "unit_id": w.unit_id,
        "active": w.active,
        "hours": format_hours(list(w.hours.all())),
    }


def _item_out(i: ServiceItem) -> dict[str, Any]:
    return {
        "id": i.pk,
        "code": i.code,
        "name": i.name,
        "unit_id": i.unit_id,
        "active": i.active,
        "window_ids": sorted(w.pk for w in i.windows.all()),
    }


# The forms' field names differ from the request's; errors name the field the caller sent.
_API_FIELD = {"hall": "hall_id", "unit": "unit_id", "windows": "window_ids", "hours_text": "hours"}


def _api_fields(errors: dict[str, Any]) -> dict[str, list[str]]:
    return {_API_FIELD.get(name, name): [str(m) for m in messages] for name, messages in errors.items()}


def _district_of(request: HttpRequest, model: Any, pk: int) -> int | None:
    """The district of a parent row the caller may see (a superuser has no district of its own)."""
    user = signed_in(request)
    district_id = restrict(model.objects.filter(pk=pk), user).values_list("district_id", flat=True).first()
    return district_id if district_id is not None else user.district_id


def _save_via_form(request: HttpRequest, form_class: type, data: dict[str, Any]) -> Any:
    """Validate with the same scoped form as the pages and save through the service."""
    form = form_class(data=data, user=request.user)
    if not form.is_valid():
        raise ApiError(422, "invalid", "数据校验未通过", _api_fields(form.errors))
    try:
        return catalog_object_save(actor=signed_in(request), instance=form.instance, **form.service_kwargs())
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        raise ApiError(422, "invalid", "数据校验未通过", _api_fields(errors)) from exc


@api.get("/me", response=Me, tags=["accounts"])
def me(request: HttpRequest) -> Any:
    return request.user


@catalog.get("/halls", response=list[HallOut])
def hall_list(request: HttpRequest, limit: int = LIMIT, offset: int = OFFSET) -> Any:
    return _page(restrict(Hall.objects.all(), request.user), limit, offset)


@catalog.get("/halls/{hall_id}", response=HallOut)
def hall_detail(request: HttpRequest, hall_id: int) -> Any:
    return get_object_or_404(restrict(Hall.objects.all(), request.user), pk=hall_id)


@catalog.get("/units", response=list[UnitOut])
def unit_list(request: HttpRequest, q: str = "", limit: int = LIMIT, offset: int = OFFSET) -> Any:
    units = restrict(Unit.objects.all(), request.user)
    if q:
        units = units.filter(name__icontains=q)
    return _page(units, limit, offset)


@catalog.get("/units/{unit_id}", response=UnitOut)
def unit_detail(request: HttpRequest, unit_id: int) -> Any:
    return get_object_or_404(restrict(Unit.objects.all(), request.user), pk=unit_id)


@catalog.post("/units", response={201: UnitOut, 200: UnitOut})
def unit_create(request: HttpRequest, payload: UnitIn) -> Any:
    def action() -> tuple[int, dict[str, Any]]:
        unit = _save_via_form(
            request,
            forms.UnitForm,
            {
                **payload.dict(),
                "hall": payload.hall_id,
                "district": _district_of(request, Hall, payload.hall_id),
            },
        )
        return 201, UnitOut.from_orm(unit).dict()

    return Status(*run_idempotent(request, f"user:{request.user.pk}", action))


@catalog.get("/windows", response=list[WindowOut])
def window_list(
    request: HttpRequest, unit_id: int | None = UNIT_FILTER, limit: int = LIMIT, offset: int = OFFSET
) -> Any:
    windows = restrict(Window.objects.prefetch_related("hours"), request.user)
    if unit_id:
        windows = windows.filter(unit_id=unit_id)
    return [_window_out(w) for w in _page(windows, limit, offset)]


@catalog.get("/windows/{window_id}", response=WindowOut)
def window_detail(request: HttpRequest, window_id: int) -> Any:
    return _window_out(get_object_or_404(restrict(Window.objects.all(), request.user), pk=window_id))


@catalog.post("/windows", response={201: WindowOut, 200: WindowOut})
def window_create(request: HttpRequest, payload: WindowIn) -> Any:
    def action() -> tuple[int, dict[str, Any]]:
        data = {
            **payload.dict(),
            "hall": payload.hall_id,
            "unit": payload.unit_id,
            "hours_text": payload.hours,
        }
        return 201, _window_out(_save_via_form(request, forms.WindowForm, data))

    return Status(*run_idempotent(request, f"user:{request.user.pk}", action))


@catalog.get("/staff", response=list[StaffOut])
def staff_list(
    request: HttpRequest, unit_id: int | None = UNIT_FILTER, limit: int = LIMIT, offset: int = OFFSET
) -> Any:
    staff = restrict(Staff.objects.all(), request.user)
    if unit_id:
        staff = staff.filter(unit_id=unit_id)
    return _page(staff, limit, offset)


@catalog.get("/staff/{staff_id}", response=StaffOut)
def staff_detail(request: HttpRequest, staff_id: int) -> Any:
    return get_object_or_404(restrict(Staff.objects.all(), request.user), pk=staff_id)


@catalog.post("/staff", response={201: StaffOut, 200: StaffOut})
def staff_create(request: HttpRequest, payload: StaffIn) -> Any:
    def action() -> tuple[int, dict[str, Any]]:
        staff = _save_via_form(request, forms.StaffForm, {**payload.dict(), "unit": payload.unit_id})
        return 201, StaffOut.from_orm(staff).dict()

    return Status(*run_idempotent(request, f"user:{request.user.pk}", action))


@catalog.get("/items", response=list[ItemOut])
def item_list(
    request: HttpRequest,
    q: str = "",
    unit_id: int | None = UNIT_FILTER,
    limit: int = LIMIT,
    offset: int = OFFSET,
) -> Any:
    items = restrict(ServiceItem.objects.prefetch_related("windows"), request.user)
    if q:
        items = items.filter(name__icontains=q)
    if unit_id:
        items = items.filter(unit_id=unit_id)
    return [_item_out(i) for i in _page(items, limit, offset)]


@catalog.get("/items/{item_id}", response=ItemOut)
def item_detail(request: HttpRequest, item_id: int) -> Any:
    return _item_out(get_object_or_404(restrict(ServiceItem.objects.all(), request.user), pk=item_id))


@catalog.post("/items", response={201: ItemOut, 200: ItemOut})
def item_create(request: HttpRequest, payload: ItemIn) -> Any:
    def action() -> tuple[int, dict[str, Any]]:
        data = {
            **payload.dict(),
            "unit": payload.unit_id,
            "windows": payload.window_ids,
            "district": _district_of(request, Unit, payload.unit_id),
        }
        return 201, _item_out(_save_via_form(request, forms.ServiceItemForm, data))

    return Status(*run_idempotent(request, f"user:{request.user.pk}", action))


api.add_router("/", catalog)
api.add_router("/device", device_router)
api.add_router("/ledger", ledger_router)
api.add_router("/tickets", tickets_router)
