"""Shared fixtures: a small two-unit catalogue and one user per role (plus an outsider from another district).

The roles are defined here once, in ``world.users`` (after healthchecks' habit of people per role):
- inspector: district-wide; hall_manager: the main hall and its sub-centre; unit_a / unit_b: admins of two units;
- clerk: a staff member of unit A; operator: the hotline; outsider: an inspector of another district; root: superuser;
- ``second_inspector``: another inspector of the district, for the four-eyes steps (appeals, bulletins).
``world.client(who)`` is a browser session of one of them, ``bearer(world, who)`` an API client with their token.

Builders used by more than one app's tests live here too (``poster``: window A's QR poster with 张敏 on duty;
``live``: a `pingyi` subprocess on the test database); an app's own builders are in ``tests/<app>/conftest.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from pingyi.accountability.models import SanctionType
from pingyi.accountability.sanctions import load_sanction_types
from pingyi.accounts.models import Role, User
from pingyi.accounts.services import api_token_create, user_create
from pingyi.catalog.models import District, DutyShift, Hall, ServiceItem, Staff, Unit, Window, WindowHours
from pingyi.lib.codes import credit_code_check_char
from pingyi.ratings.models import QrPoster, ReasonTag
from pingyi.ratings.posters.services import poster_issue
from pingyi.ratings.tagdata import load_tag_sets
from tests.helpers_files import LiveDatabase

PASSWORD = "correct-horse-battery"


def credit(n: int) -> str:
    """The ``n``-th valid 统一社会信用代码 of the test district."""
    body = f"12420113{n:09d}"
    return body + credit_code_check_char(body)


def bearer(world: World, who: str) -> Client:
    """An API client authenticated with a new token of ``world.users[who]``."""
    token = api_token_create(actor=None, user=world.users[who], name="tests")
    return Client(headers={"Authorization": f"Bearer {token}"})


@dataclass
class World:
    district: District
    other_district: District
    hall: Hall
    sub_hall: Hall
    other_hall: Hall
    unit_a: Unit
    unit_b: Unit
    unit_sub: Unit
    unit_other: Unit
    window_a: Window
    window_b: Window
    window_sub: Window
    window_other: Window
    staff_a: Staff
    staff_b: Staff
    staff_other: Staff
    item_a: ServiceItem
    item_b: ServiceItem
    users: dict[str, User]

    def client(self, who: str) -> Client:
        client = Client()
        client.force_login(self.users[who])
        return client


def _window(hall: Hall, unit: Unit, code: str) -> Window:
    window = Window.objects.create(hall=hall, unit=unit, code=code, name=f"{unit.name}{code}号窗口")
    for weekday in range(5):
        WindowHours.objects.create(window=window, weekday=weekday, opens=time(8, 30), closes=time(12, 0))
        WindowHours.objects.create(window=window, weekday=weekday, opens=time(14, 0), closes=time(17, 30))
    return window


def _staff(unit: Unit, no: str, name: str, phone: str) -> Staff:
    staff = Staff(unit=unit, employee_no=no, name=name)
    staff.set_phone(phone)
    staff.save()
    return staff


@pytest.fixture(autouse=True)
def _fresh_workday_calendar() -> Any:
    """Each test sees the calendar its own database holds (a notice saved by an earlier test is rolled back)."""
    from pingyi.workdays.days import calendar_changed

    calendar_changed()
    yield
    calendar_changed()


@pytest.fixture
def world(db: Any) -> World:
    # A transactional (live-server) test flushes every table, data migrations included: put the tag sets back.
    load_tag_sets(ReasonTag)
    load_sanction_types(SanctionType)
    district = District.objects.create(code="420113", name="测试区")
    other_district = District.objects.create(code="420114", name="邻区")
    hall = Hall.objects.create(district=district, code="H01", name="区市民服务中心")
    sub_hall = Hall.objects.create(district=district, parent=hall, code="H02", name="沌口街道便民服务中心")
    other_hall = Hall.objects.create(district=other_district, code="H01", name="邻区市民服务中心")
    unit_a = Unit.objects.create(
        district=district, hall=hall, code="U001", name="区市场监管局", credit_code=credit(1)
    )
    unit_b = Unit.objects.create(
        district=district, hall=hall, code="U002", name="区城管局", credit_code=credit(2)
    )
    unit_sub = Unit.objects.create(
        district=district, hall=sub_hall, code="U003", name="沌口市场监管所", credit_code=credit(3)
    )
    unit_other = Unit.objects.create(
        district=other_district, hall=other_hall, code="U001", name="邻区市场监管局", credit_code=credit(4)
    )
    window_a, window_b = _window(hall, unit_a, "001"), _window(hall, unit_b, "002")
    window_sub, window_other = _window(sub_hall, unit_sub, "01"), _window(other_hall, unit_other, "001")
    staff_a = _staff(unit_a, "A-001", "张敏", "13800001111")
    staff_b = _staff(unit_b, "B-001", "龙强", "13900002222")
    staff_other = _staff(unit_other, "X-001", "赵六", "13700003333")
    item_a = ServiceItem.objects.create(
        district=district, unit=unit_a, code="420113001", name="个体工商户设立登记"
    )
    item_a.windows.add(window_a)
    item_b = ServiceItem.objects.create(
        district=district, unit=unit_b, code="420113002", name="户外广告设置许可"
    )
    item_b.windows.add(window_b)
    users = {
        "inspector": user_create(
            actor=None, username="inspector", password=PASSWORD, role=Role.INSPECTOR, district=district
        ),
        "hall_manager": user_create(
            actor=None, username="hallmgr", password=PASSWORD, role=Role.HALL_MANAGER, hall=hall
        ),
        "sub_manager": user_create(
            actor=None, username="submgr", password=PASSWORD, role=Role.HALL_MANAGER, hall=sub_hall
        ),
        "unit_a": user_create(
            actor=None, username="unita", password=PASSWORD, role=Role.UNIT_ADMIN, unit=unit_a
        ),
        "unit_b": user_create(
            actor=None, username="unitb", password=PASSWORD, role=Role.UNIT_ADMIN, unit=unit_b
        ),
        "clerk": user_create(actor=None, username="clerk", password=PASSWORD, role=Role.STAFF, staff=staff_a),
        "operator": user_create(
            actor=None, username="operator", password=PASSWORD, role=Role.OPERATOR, district=district
        ),
        "outsider": user_create(
            actor=None, username="outsider", password=PASSWORD, role=Role.INSPECTOR, district=other_district
        ),
        "root": user_create(actor=None, username="root", password=PASSWORD, role=Role.SUPERUSER),
    }
    return World(
        district,
        other_district,
        hall,
        sub_hall,
        other_hall,
        unit_a,
        unit_b,
        unit_sub,
        unit_other,
        window_a,
        window_b,
        window_sub,
        window_other,
        staff_a,
        staff_b,
        staff_other,
        item_a,
        item_b,
        users,
    )


@pytest.fixture
def second_inspector(world: World) -> User:
    """Another inspector of the district: the second pair of eyes of an appeal's review or a bulletin's."""
    return user_create(
        actor=None, username="inspector2", password=PASSWORD, role=Role.INSPECTOR, district=world.district
    )


@pytest.fixture
def poster(world: World) -> QrPoster:
    """The QR poster of window A, with 张敏 (staff A) on duty there from two hours ago to two hours ahead."""
    now = timezone.now()
    DutyShift.objects.create(
        window=world.window_a,
        staff=world.staff_a,
        starts_at=now - timedelta(hours=2),
        ends_at=now + timedelta(hours=2),
    )
    return poster_issue(actor=None, window=world.window_a)


@pytest.fixture
def live(transactional_db: Any, tmp_path: Path) -> LiveDatabase:
    """Runs a real `pingyi` subprocess on the test database (``live.pingyi("audit", "verify")``)."""
    return LiveDatabase(tmp_path)
