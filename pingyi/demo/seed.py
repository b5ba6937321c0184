"""The demo district: `pingyi demo` seeds it once; running it again changes nothing.

Seeding is a list of steps (``STEPS``); each step checks whether its data is there and adds it if not. Later
capabilities (ratings, ledger, tickets, inspections) append their own steps, so the demo grows without this file
being rewritten. Data is deterministic (a fixed random seed and a fixed demo year).
"""

from __future__ import annotations

import importlib
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from pingyi.accounts.models import Role, User
from pingyi.accounts.roles import SYSTEM
from pingyi.accounts.services import user_create
from pingyi.audit.services import audit_record
from pingyi.catalog.models import District, DutyShift, Hall, ServiceItem, Staff, Unit, Window, WindowHours
from pingyi.demo import names
from pingyi.lib.codes import credit_code_check_char

# The demo year: a full year of service ending the day before the demo was designed to be shown.
DEMO_START = date(2025, 11, 25)
DEMO_END = date(2026, 11, 24)
DEMO_PASSWORD = "Pingyi-demo-2026"  # printed for the demo on purpose
TOTAL_ITEMS = 1983
SEED = 20231213  # the source article's date


@dataclass
class Summary:
    lines: list[str] = field(default_factory=list)
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def render(self) -> str:
        out = ["演示区：" + names.DISTRICT[1]]
        out += [f"  {label}：{count}" for label, count in self.counts.items()]
        out += self.lines
        out.append("\n登录账号（每个角色一个）：")
        out += [
            f"  {role:<12} 用户名 {username:<12} 密码 {password}" for role, username, password in self.logins
        ]
        return "\n".join(out)


Step = Callable[[random.Random, Summary], None]
STEPS: list[Step] = []


def step(func: Step) -> Step:
    STEPS.append(func)
    return func


def _credit_code(n: int) -> str:
    body = f"11420113{n:09d}"[:17]
    return body + credit_code_check_char(body)


def fake_phone(rng: random.Random) -> str:
    return (
        rng.choice(["138", "139", "150", "151", "158", "186", "187", "135", "136", "177"])
        + f"{rng.randrange(10**8):08d}"
    )


def fake_name(rng: random.Random) -> str:
    return rng.choice(names.SURNAMES) + "".join(rng.choice(names.GIVEN) for _ in range(rng.choice([1, 2])))


def is_demo_workday(day: date) -> bool:
    """Working days of the demo year from chinese-calendar (holidays and 调休 included)."""
    import chinese_calendar

    return bool(chinese_calendar.is_workday(day))


@step
def seed_catalog(rng: random.Random, summary: Summary) -> None:
    code, name = names.DISTRICT
    if District.objects.filter(code=code).exists():
        return
    district = District.objects.create(code=code, name=name)
    main = Hall.objects.create(
        district=district, code=names.MAIN_HALL[0], name=names.MAIN_HALL[1], address=names.MAIN_HALL[2]
    )
    subs = [
        Hall.objects.create(district=district, parent=main, code=c, name=n, address=a)
        for c, n, a in names.SUB_CENTRES
    ]
    units = [
        Unit.objects.create(
            district=district,
            hall=main,
            code=f"U{i + 1:03d}",
            name=unit_name,
            credit_code=_credit_code(i + 1),
        )
        for i, (unit_name, _, _) in enumerate(names.UNITS)
    ]
    by_name = {u.name: u for u in units}
    windows: list[Window] = []
    number = 0
    for unit, (_, _, count) in zip(units, names.UNITS, strict=True):
        for k in range(count):
            number += 1
            windows.append(
                Window(
                    hall=main,
                    unit=unit,
                    code=f"{number:03d}",
                    name=f"{unit.name.removeprefix('区')}{k + 1}号窗口",
                )
            )
    for hall in subs:
        for j, unit_name in enumerate(names.SUB_CENTRE_UNITS):
            unit = by_name[unit_name]
            windows.append(
                Window(hall=hall, unit=unit, code=f"{j + 1:02d}", name=f"{unit.name.removeprefix('区')}窗口")
            )
    Window.objects.bulk_create(windows)
    windows = list(Window.objects.filter(hall__district=district).select_related("unit"))
    hours = []
    for window in windows:
        for weekday in range(5):
            hours.append(WindowHours(window=window, weekday=weekday, opens=time(8, 30), closes=time(12, 0)))
            hours.append(WindowHours(window=window, weekday=weekday, opens=time(14, 0), closes=time(17, 30)))
        if window.hall_id == main.pk and rng.random() < 0.2:  # a few windows also open on Saturday mornings
            hours.append(WindowHours(window=window, weekday=5, opens=time(9, 0), closes=time(12, 0)))
    WindowHours.objects.bulk_create(hours)
    _seed_staff(rng, windows)
    _seed_items(district, units, windows)
    _seed_shifts(windows)
    audit_record(actor=SYSTEM, action="demo.seed_catalog", obj=district, after=catalog_counts(district))


def _seed_staff(rng: random.Random, windows: list[Window]) -> None:
    staff: list[Staff] = []
    per_unit: dict[int, int] = {}
    for window in windows:
        for _ in range(2):
            n = per_unit[window.unit_id] = per_unit.get(window.unit_id, 0) + 1
            member = Staff(
                unit=window.unit,
                employee_no=f"{window.unit.code}-{n:03d}",
                name=fake_name(rng),
                title="窗口工作人员",
            )
            member.set_phone(fake_phone(rng))
            staff.append(member)
    Staff.objects.bulk_create(staff)


def _seed_items(district: District, units: list[Unit], windows: list[Window]) -> None:
    per_unit: dict[int, list[str]] = {
        unit.pk: [f"{subject}{action}" for subject in subjects for action in names.ACTIONS]
        for unit, (_, subjects, _) in zip(units, names.UNITS, strict=True)
    }
    while sum(len(v) for v in per_unit.values()) > TOTAL_ITEMS:
        largest = max(per_unit, key=lambda k: len(per_unit[k]))
        per_unit[largest].pop()
    by_unit_windows: dict[int, list[Window]] = {}
    for window in windows:
        by_unit_windows.setdefault(window.unit_id, []).append(window)
    items = []
    for unit in units:
        for n, item_name in enumerate(per_unit[unit.pk], start=1):
            items.append(
                ServiceItem(
                    district=district,
                    unit=unit,
                    code=f"{district.code}{unit.code[1:]}{n:04d}",
                    name=item_name,
                )
            )
    ServiceItem.objects.bulk_create(items)
    links = []
    for item in ServiceItem.objects.filter(district=district):
        for window in by_unit_windows.get(item.unit_id, []):
            links.append(ServiceItem.windows.through(serviceitem_id=item.pk, window_id=window.pk))
    ServiceItem.windows.through.objects.bulk_create(links, batch_size=2000)


def _seed_shifts(windows: list[Window]) -> None:
    tz = ZoneInfo(settings.TIME_ZONE)
    staff_by_unit: dict[int, list[Staff]] = {}
    for member in Staff.objects.filter(unit__in={w.unit_id for w in windows}).order_by("employee_no"):
        staff_by_unit.setdefault(member.unit_id, []).append(member)
    windows_by_unit: dict[int, list[Window]] = {}
    for window in windows:
        windows_by_unit.setdefault(window.unit_id, []).append(window)
    shifts: list[DutyShift] = []
    day = DEMO_START
    index = 0
    while day <= DEMO_END:
        if is_demo_workday(day):
            start = datetime.combine(day, time(8, 30), tzinfo=tz)
            end = datetime.combine(day, time(17, 30), tzinfo=tz)
            for unit_id, unit_windows in windows_by_unit.items():
                people = staff_by_unit[unit_id]
                for k, window in enumerate(unit_windows):
                    member = people[(index + k) % len(people)]
                    shifts.append(DutyShift(window=window, staff=member, starts_at=start, ends_at=end))
            index += 1
        day += timedelta(days=1)
    DutyShift.objects.bulk_create(shifts, batch_size=5000)


@step
def seed_accounts(rng: random.Random, summary: Summary) -> None:
    district = District.objects.get(code=names.DISTRICT[0])
    main = Hall.objects.get(district=district, code=names.MAIN_HALL[0])
    market = Unit.objects.get(district=district, name="区市场监管局")
    urban = Unit.objects.get(district=district, name="区城管局")
    clerk = Staff.objects.filter(unit=market).order_by("employee_no").first()
    accounts: list[tuple[Role, str, str, dict[str, Any]]] = [
        (Role.SUPERUSER, "admin", "系统管理员", {}),
        (Role.INSPECTOR, "jijian", "纪检监察工委 王检查", {"district": district}),
        (Role.HALL_MANAGER, "dating", "市民服务中心 李主任", {"hall": main}),
        (Role.UNIT_ADMIN, "shichang", "区市场监管局 评议管理员", {"unit": market}),
        (Role.UNIT_ADMIN, "chengguan", "区城管局 评议管理员", {"unit": urban}),
        (Role.STAFF, "chuangkou", f"{clerk.name if clerk else ''}（窗口）", {"staff": clerk}),
        (Role.OPERATOR, "rexian", "12345热线 话务员", {"district": district}),
    ]
    for role, username, display, scope in accounts:
        if not User.objects.filter(username=username).exists():
            user_create(
                actor=SYSTEM,
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                display_name=display,
                **scope,
            )
        summary.logins.append((str(Role(role).label), username, DEMO_PASSWORD))


def seed_demo(seed: int = SEED) -> Summary:
    """Run every step; each is idempotent, so a second run adds nothing."""
    summary = Summary()
    rng = random.Random(seed)
    for func in STEPS:
        with transaction.atomic():
            func(rng, summary)
    summary.counts.update(catalog_counts(District.objects.get(code=names.DISTRICT[0])))
    return summary


def catalog_counts(district: District) -> dict[str, int]:
    return {
        "大厅": Hall.objects.filter(district=district).count(),
        "单位": Unit.objects.filter(district=district).count(),
        "窗口": Window.objects.filter(hall__district=district).count(),
        "工作人员": Staff.objects.filter(unit__district=district).count(),
        "事项": ServiceItem.objects.filter(district=district).count(),
        "排班": DutyShift.objects.filter(window__hall__district=district).count(),
    }


# The later capabilities' steps, in the order they must run: each module registers its steps when imported.
for _module in ("ratings_seed", "oversight_seed", "inspections_seed", "tickets_seed", "insight_seed"):
    importlib.import_module(f"pingyi.demo.{_module}")
importlib.import_module("pingyi.disclosure.demo_seed")
