"""API schemas of the catalogue."""

from __future__ import annotations

from ninja import Schema


class Me(Schema):
    username: str
    role: str
    district_id: int | None
    hall_id: int | None
    unit_id: int | None
    staff_id: int | None


class HallOut(Schema):
    id: int
    code: str
    name: str
    parent_id: int | None
    address: str


class UnitOut(Schema):
    id: int
    code: str
    name: str
    credit_code: str
    hall_id: int
    active: bool


class WindowOut(Schema):
    id: int
    code: str
    name: str
    hall_id: int
    unit_id: int
    active: bool
    hours: str


class StaffOut(Schema):
    id: int
    unit_id: int
    employee_no: str
    name: str
    title: str
    phone_masked: str
    active: bool


class ItemOut(Schema):
    id: int
    code: str
    name: str
    unit_id: int
    window_ids: list[int]
    active: bool


class UnitIn(Schema):
    hall_id: int
    code: str
    name: str
    credit_code: str
    active: bool = True


class WindowIn(Schema):
    hall_id: int
    unit_id: int
    code: str
    name: str
    hours: str
    active: bool = True


class StaffIn(Schema):
    unit_id: int
    employee_no: str
    name: str
    title: str = ""
    phone: str = ""
    active: bool = True


class ItemIn(Schema):
    unit_id: int
    code: str
    name: str
    window_ids: list[int] = []
    active: bool = True
