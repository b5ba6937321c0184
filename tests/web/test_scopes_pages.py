"""Role × page matrix: every back-office page shows each role exactly its scope, and nothing else.

A row outside the scope is simply not there: lists leave it out, and its detail or edit page is a 404.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from pingyi.audit.models import AuditEntry
from pingyi.catalog.models import DutyShift, Hall, ServiceItem, Staff, Unit, Window
from pingyi.imports.models import ImportJob
from pingyi.lib.codes import credit_code_check_char

ROLES = [
    "inspector",
    "hall_manager",
    "sub_manager",
    "unit_a",
    "unit_b",
    "clerk",
    "operator",
    "outsider",
    "root",
]


@pytest.fixture
def scene(world: Any) -> Any:
    """The shared world plus what it lacks for the matrix: duty shifts, an item and import jobs in both districts."""
    start = timezone.make_aware(datetime(2025, 3, 3, 8, 30))
    world.shift_a = DutyShift.objects.create(
        window=world.window_a, staff=world.staff_a, starts_at=start, ends_at=start + timedelta(hours=4)
    )
    world.shift_b = DutyShift.objects.create(
        window=world.window_b, staff=world.staff_b, starts_at=start, ends_at=start + timedelta(hours=4)
    )
    world.shift_other = DutyShift.objects.create(
        window=world.window_other,
        staff=world.staff_other,
        starts_at=start,
        ends_at=start + timedelta(hours=4),
    )
    world.item_other = ServiceItem.objects.create(
        district=world.other_district, unit=world.unit_other, code="420114001", name="邻区食品经营许可"
    )
    world.jobs = {}
    for who in ("unit_a", "unit_b", "hall_manager", "sub_manager", "operator", "outsider"):
        user = world.users[who]
        world.jobs[who] = ImportJob.objects.create(
            kind="staff",
            district_id=user.district_id,
            actor=user,
            file_path=f"/nowhere/{who}.csv",
            original_name=f"upload-by-{who}.csv",
        )
    return world


# page -> (list url, world attributes of every row, the label each row shows)
PAGES: dict[str, tuple[str, list[str], Any]] = {
    "halls": ("/catalog/halls/", ["hall", "sub_hall", "other_hall"], lambda o: o.name),
    "units": ("/catalog/units/", ["unit_a", "unit_b", "unit_sub", "unit_other"], lambda o: o.name),
    "windows": (
        "/catalog/windows/",
        ["window_a", "window_b", "window_sub", "window_other"],
        lambda o: o.name,
    ),
    "staff": ("/catalog/staff/", ["staff_a", "staff_b", "staff_other"], lambda o: o.name),
    "shifts": ("/catalog/shifts/", ["shift_a", "shift_b", "shift_other"], lambda o: str(o.staff)),
    "items": ("/catalog/items/", ["item_a", "item_b", "item_other"], lambda o: o.name),
}
NOT_FOUND = None  # the whole page is a 404 for the role
ALL_420113 = {
    "halls": {"hall", "sub_hall"},
    "units": {"unit_a", "unit_b", "unit_sub"},
    "windows": {"window_a", "window_b", "window_sub"},
    "staff": {"staff_a", "staff_b"},
    "shifts": {"shift_a", "shift_b"},
    "items": {"item_a", "item_b"},
}
# role -> page -> the rows the role sees (None: 404)
EXPECTED: dict[str, dict[str, set[str] | None]] = {
    "inspector": ALL_420113,
    "hall_manager": ALL_420113,
    "sub_manager": {
        "halls": {"sub_hall"},
        "units": {"unit_sub"},
        "windows": {"window_sub"},
        "staff": set(),
        "shifts": set(),
        "items": set(),
    },
    "unit_a": {
        "halls": {"hall"},
        "units": {"unit_a"},
        "windows": {"window_a"},
        "staff": {"staff_a"},
        "shifts": {"shift_a"},
        "items": {"item_a"},
    },
    "unit_b": {
        "halls": {"hall"},
        "units": {"unit_b"},
        "windows": {"window_b"},
        "staff": {"staff_b"},
        "shifts": {"shift_b"},
        "items": {"item_b"},
    },
    "clerk": {
        "halls": NOT_FOUND,
        "units": {"unit_a"},
        "windows": NOT_FOUND,
        "staff": {"staff_a"},
        "shifts": {"shift_a"},
        "items": NOT_FOUND,
    },
    "operator": {**ALL_420113, "staff": NOT_FOUND, "shifts": NOT_FOUND},
    "outsider": {
        "halls": {"other_hall"},
        "units": {"unit_other"},
        "windows": {"window_other"},
        "staff": {"staff_other"},
        "shifts": {"shift_other"},
        "items": {"item_other"},
    },
    "root": {page: set(attrs) for page, (_, attrs, _label) in PAGES.items()},
}
MATRIX = [(who, page) for who in ROLES for page in PAGES]


def _row_ids(body: str, url: str) -> set[int]:
    """The ids the list's rows link to (the nav and filters link to no id)."""
    return {int(pk) for pk in re.findall(rf'href="{re.escape(url)}(\d+)/"', body)}


def _shown(body: str, label: str) -> bool:
    """Whether ``label`` is the whole text of a cell, link or option (so 区市场监管局 is not found in 邻区市场监管局)."""
    return f">{label}<" in body


@pytest.mark.parametrize(("who", "page"), MATRIX, ids=[f"{w}-{p}" for w, p in MATRIX])
def test_each_role_sees_exactly_its_scope_on_every_catalogue_list(scene: Any, who: str, page: str) -> None:
    url, attrs, label = PAGES[page]
    expected = EXPECTED[who][page]
    response = scene.client(who).get(url)
    if expected is NOT_FOUND:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    body = response.content.decode()
    assert _row_ids(body, url) == {getattr(scene, a).pk for a in expected}
    for attr in attrs:
        shown = _shown(body, label(getattr(scene, attr)))
        # A sub-centre's row names its parent hall; that is the only out-of-scope name a list may show.
        if page == "halls" and attr == "hall" and who == "sub_manager":
            continue
        assert shown == (attr in expected), f"{who} on {page}: {attr} shown={shown}"


def test_the_unit_admin_sees_its_own_windows_staff_and_items_and_none_of_the_other_units(scene: Any) -> None:
    client = scene.client("unit_a")
    for url in ("/catalog/windows/", "/catalog/staff/", "/catalog/items/"):
        body = client.get(url).content.decode()
        assert _shown(body, "区市场监管局") and not _shown(body, "区城管局"), url
    body = client.get("/catalog/staff/").content.decode()
    assert "张敏" in body and "龙强" not in body and "13800001111" not in body


def test_the_outsider_sees_nothing_of_district_420113_on_any_list(scene: Any) -> None:
    client = scene.client("outsider")
    for url, attrs, label in PAGES.values():
        body = client.get(url).content.decode()
        for attr in attrs:
            if attr.endswith("_other") or attr == "other_hall":
                continue
            assert not _shown(body, label(getattr(scene, attr))), (url, attr)


# /imports/: a job is seen by whoever started it (and colleagues with the same anchor); inspectors see the district's
IMPORTS_EXPECTED = {
    "inspector": {"unit_a", "unit_b", "hall_manager", "sub_manager", "operator"},
    "hall_manager": {"hall_manager", "sub_manager"},
    "sub_manager": {"sub_manager"},
    "unit_a": {"unit_a"},
    "unit_b": {"unit_b"},
    "clerk": set(),
    "operator": {"operator"},
    "outsider": {"outsider"},
    "root": {"unit_a", "unit_b", "hall_manager", "sub_manager", "operator", "outsider"},
}


@pytest.mark.parametrize("who", ROLES)
def test_each_role_sees_exactly_its_import_jobs(scene: Any, who: str) -> None:
    response = scene.client(who).get("/imports/")
    if not IMPORTS_EXPECTED[who] and who == "clerk":
        assert response.status_code == 404  # like every page the role's navigation does not offer
        return
    assert response.status_code == 200
    body = response.content.decode()
    for starter, job in scene.jobs.items():
        assert (job.original_name in body) == (starter in IMPORTS_EXPECTED[who]), starter
        detail = scene.client(who).get(f"/imports/{job.pk}/")
        assert detail.status_code == (200 if starter in IMPORTS_EXPECTED[who] else 404), starter


@pytest.mark.parametrize("who", ["hall_manager", "sub_manager", "unit_a", "clerk", "operator"])
def test_only_inspectors_and_the_superuser_read_the_audit_log(scene: Any, who: str) -> None:
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    client = scene.client(who)
    assert client.get("/audit/").status_code == 404
    assert client.get(f"/audit/{entry.seq}/").status_code == 404


@pytest.mark.parametrize("who", ["inspector", "root"])
def test_the_inspector_and_the_superuser_read_the_audit_log(scene: Any, who: str) -> None:
    staff_create_by_page(scene, "unit_a", scene.unit_a, "A-777")
    entry = AuditEntry.objects.get(action="staff.create")
    response = scene.client(who).get("/audit/")
    assert response.status_code == 200
    assert "新同事（A-777）" in response.content.decode()
    assert scene.client(who).get(f"/audit/{entry.seq}/").status_code == 200


def test_an_inspector_of_another_district_reads_none_of_420113s_audit_entries(scene: Any) -> None:
    staff_create_by_page(scene, "unit_a", scene.unit_a, "A-777")
    entry = AuditEntry.objects.get(action="staff.create")
    client = scene.client("outsider")
    assert "新同事（A-777）" not in client.get("/audit/").content.decode()
    assert client.get(f"/audit/{entry.seq}/").status_code == 404


# Detail and edit pages: an id from another scope is a 404, never a 403 or the page.
CROSS_SCOPE_DETAIL = [
    ("unit_a", "unit", "unit_b"),
    ("unit_a", "window", "window_b"),
    ("unit_a", "staff", "staff_b"),
    ("unit_a", "item", "item_b"),
    ("unit_a", "shift", "shift_b"),
    ("unit_a", "hall", "sub_hall"),
    ("sub_manager", "hall", "hall"),
    ("sub_manager", "unit", "unit_a"),
    ("sub_manager", "window", "window_a"),
    ("sub_manager", "staff", "staff_a"),
    ("hall_manager", "unit", "unit_other"),
    ("hall_manager", "hall", "other_hall"),
    ("clerk", "staff", "staff_b"),
    ("clerk", "unit", "unit_b"),
    ("clerk", "shift", "shift_b"),
    ("clerk", "window", "window_a"),
    ("operator", "staff", "staff_a"),
    ("operator", "shift", "shift_a"),
    ("operator", "unit", "unit_other"),
    ("outsider", "unit", "unit_a"),
    ("outsider", "window", "window_a"),
    ("outsider", "staff", "staff_a"),
    ("outsider", "item", "item_a"),
    ("outsider", "hall", "hall"),
    ("inspector", "unit", "unit_other"),
    ("inspector", "staff", "staff_other"),
]
CROSS_SCOPE_EDIT = [
    ("unit_a", "window", "window_b"),
    ("unit_a", "staff", "staff_b"),
    ("unit_a", "item", "item_b"),
    ("unit_a", "shift", "shift_b"),
    ("unit_b", "staff", "staff_a"),
    ("sub_manager", "unit", "unit_a"),
    ("sub_manager", "window", "window_a"),
    ("sub_manager", "staff", "staff_a"),
    ("hall_manager", "unit", "unit_other"),
    ("hall_manager", "window", "window_other"),
    ("hall_manager", "item", "item_other"),
]
URL_PART = {
    "hall": "halls",
    "unit": "units",
    "window": "windows",
    "staff": "staff",
    "shift": "shifts",
    "item": "items",
}


@pytest.mark.parametrize(("who", "kind", "target"), CROSS_SCOPE_DETAIL, ids=lambda v: str(v))
def test_a_detail_page_of_another_scope_is_not_found(scene: Any, who: str, kind: str, target: str) -> None:
    response = scene.client(who).get(f"/catalog/{URL_PART[kind]}/{getattr(scene, target).pk}/")
    assert response.status_code == 404


@pytest.mark.parametrize(("who", "kind", "target"), CROSS_SCOPE_EDIT, ids=lambda v: str(v))
def test_an_edit_page_of_another_scope_is_not_found_and_a_post_changes_nothing(
    scene: Any, who: str, kind: str, target: str
) -> None:
    obj = getattr(scene, target)
    url = f"/catalog/{URL_PART[kind]}/{obj.pk}/edit/"
    client = scene.client(who)
    entries = AuditEntry.objects.count()
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "被改名", "code": "X"}).status_code == 404
    assert AuditEntry.objects.count() == entries
    obj.refresh_from_db()
    assert getattr(obj, "name", "") != "被改名"


@pytest.mark.parametrize("who", ["unit_a", "hall_manager", "root"])
def test_a_detail_page_in_scope_opens(scene: Any, who: str) -> None:
    response = scene.client(who).get(f"/catalog/staff/{scene.staff_a.pk}/")
    assert response.status_code == 200
    assert "张敏" in response.content.decode()


# Navigation on the home page
_CATALOG_NAV = ["halls", "units", "windows", "staff", "shifts", "items", "posters", "devices", "imports"]
# Inspectors check everything; hall managers watch tickets and the ledger; a unit sees its own inspections (once the
# feedback is sent) and the accountability decisions about it; staff see their own ratings and records only.
_INSPECTOR_NAV = [
    "ratings", "tickets", "ledger", "oversight", "alerts", "inspections", "accountability", "bulletins", "insight",
    "causes", "reports", *_CATALOG_NAV,
]  # fmt: skip
UNIT_ADMIN_NAV = [
    "ratings",
    "tickets",
    "ledger",
    "alerts",
    "inspections",
    "accountability",
    "insight",
    "causes",
    "reports",
]
NAV_EXPECTED = {
    "inspector": [*_INSPECTOR_NAV, "workdays", "audit"],
    "hall_manager": ["ratings", "tickets", "ledger", "alerts", "insight", "causes", *_CATALOG_NAV],
    "sub_manager": ["ratings", "tickets", "ledger", "alerts", "insight", "causes", *_CATALOG_NAV],
    "unit_a": [*UNIT_ADMIN_NAV, *_CATALOG_NAV],
    "clerk": ["ratings", "ledger", "insight", "causes", "units", "staff", "shifts"],
    "operator": ["entry", "complaint", "halls", "units", "windows", "items", "imports"],
    "outsider": [*_INSPECTOR_NAV, "workdays", "audit"],
    "root": ["ratings", "entry", "complaint", *_INSPECTOR_NAV[1:], "workdays", "audit", "users"],
}


@pytest.mark.parametrize("who", list(NAV_EXPECTED))
def test_the_home_page_navigation_matches_the_role(scene: Any, who: str) -> None:
    client = scene.client(who)
    response = client.get("/")
    assert response.status_code == 200
    nav = re.findall(r'<a href="([^"]+)" data-nav="([a-z]+)"', response.content.decode())
    assert [key for _, key in nav] == NAV_EXPECTED[who]
    for url, key in nav:  # every entry shown leads to a page the role may open
        assert client.get(url).status_code == 200, key


def test_the_home_page_asks_an_anonymous_visitor_to_log_in(client: Any) -> None:
    response = client.get("/")
    assert response.status_code == 302 and "/login/" in response["Location"]


# Creating and editing through the pages
def staff_create_by_page(world: Any, who: str, unit: Unit, employee_no: str) -> Any:
    return world.client(who).post(
        "/catalog/staff/new/",
        {
            "unit": unit.pk,
            "employee_no": employee_no,
            "name": "新同事",
            "title": "科员",
            "phone": "13600004444",
            "active": "on",
        },
    )


def test_a_unit_admin_creates_a_staff_member_in_its_own_unit_with_one_audit_entry(scene: Any) -> None:
    entries = AuditEntry.objects.count()
    response = staff_create_by_page(scene, "unit_a", scene.unit_a, "A-777")
    created = Staff.objects.get(unit=scene.unit_a, employee_no="A-777")
    assert response.status_code == 302 and response["Location"] == f"/catalog/staff/{created.pk}/"
    assert created.phone_plain() == "13600004444"
    assert AuditEntry.objects.count() == entries + 1
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.object_id, entry.actor_id) == (
        "staff.create",
        str(created.pk),
        scene.users["unit_a"].pk,
    )


def test_a_unit_admin_cannot_create_a_staff_member_in_another_unit(scene: Any) -> None:
    entries, staff = AuditEntry.objects.count(), Staff.objects.count()
    response = staff_create_by_page(scene, "unit_a", scene.unit_b, "B-777")
    assert response.status_code == 400
    assert Staff.objects.count() == staff and not Staff.objects.filter(employee_no="B-777").exists()
    assert AuditEntry.objects.count() == entries


def test_a_unit_admin_cannot_move_its_staff_member_to_another_unit(scene: Any) -> None:
    response = scene.client("unit_a").post(
        f"/catalog/staff/{scene.staff_a.pk}/edit/",
        {"unit": scene.unit_b.pk, "employee_no": "A-001", "name": "张敏", "active": "on"},
    )
    assert response.status_code == 400
    scene.staff_a.refresh_from_db()
    assert scene.staff_a.unit_id == scene.unit_a.pk


def test_the_staff_form_offers_a_unit_admin_only_its_own_unit(scene: Any) -> None:
    body = scene.client("unit_a").get("/catalog/staff/new/").content.decode()
    assert f'value="{scene.unit_a.pk}"' in body and _shown(body, "区市场监管局")
    assert not _shown(body, "区城管局") and not _shown(body, "邻区市场监管局")


@pytest.mark.parametrize("who", ["inspector", "outsider", "operator", "clerk"])
@pytest.mark.parametrize("kind", list(URL_PART))
def test_a_role_without_edit_rights_is_forbidden_to_create(scene: Any, who: str, kind: str) -> None:
    client = scene.client(who)
    entries = AuditEntry.objects.count()
    assert client.get(f"/catalog/{URL_PART[kind]}/new/").status_code == 403
    assert client.post(f"/catalog/{URL_PART[kind]}/new/", {"name": "x"}).status_code == 403
    assert AuditEntry.objects.count() == entries


def test_an_inspector_cannot_edit_a_row_it_can_read(scene: Any) -> None:
    client = scene.client("inspector")
    assert client.get(f"/catalog/units/{scene.unit_a.pk}/").status_code == 200
    assert client.get(f"/catalog/units/{scene.unit_a.pk}/edit/").status_code == 403


def _credit(body: str) -> str:
    return body + credit_code_check_char(body)


# Successful saves: (who, url, form data builder, model, lookup of the saved row)
def _saves(w: Any) -> list[tuple[str, str, dict[str, Any], type, dict[str, Any]]]:
    return [
        (
            "unit_a",
            "/catalog/staff/new/",
            {"unit": w.unit_a.pk, "employee_no": "A-002", "name": "李雷"},
            Staff,
            {"employee_no": "A-002"},
        ),
        (
            "unit_a",
            f"/catalog/staff/{w.staff_a.pk}/edit/",
            {"unit": w.unit_a.pk, "employee_no": "A-001", "name": "张敏", "title": "组长"},
            Staff,
            {"title": "组长"},
        ),
        (
            "unit_a",
            "/catalog/windows/new/",
            {
                "hall": w.hall.pk,
                "unit": w.unit_a.pk,
                "code": "009",
                "name": "登记窗口",
                "hours_text": "周一至周五 08:30-12:00,14:00-17:30",
                "active": "on",
            },
            Window,
            {"code": "009"},
        ),
        (
            "unit_a",
            f"/catalog/windows/{w.window_a.pk}/edit/",
            {
                "hall": w.hall.pk,
                "unit": w.unit_a.pk,
                "code": "001",
                "name": "综合窗口",
                "hours_text": "周一至周五 09:00-12:00",
                "active": "on",
            },
            Window,
            {"name": "综合窗口"},
        ),
        (
            "unit_a",
            "/catalog/items/new/",
            {
                "district": w.district.pk,
                "unit": w.unit_a.pk,
                "code": "420113009",
                "name": "食品经营许可",
                "windows": [w.window_a.pk],
                "active": "on",
            },
            ServiceItem,
            {"code": "420113009"},
        ),
        (
            "unit_a",
            "/catalog/shifts/new/",
            {
                "window": w.window_a.pk,
                "staff": w.staff_a.pk,
                "starts_at": "2025-03-04T08:30",
                "ends_at": "2025-03-04T12:00",
            },
            DutyShift,
            {"starts_at__date": "2025-03-04"},
        ),
        (
            "hall_manager",
            "/catalog/units/new/",
            {
                "district": w.district.pk,
                "hall": w.sub_hall.pk,
                "code": "U009",
                "name": "沌口税务所",
                "credit_code": _credit("12420113000000009"),
                "active": "on",
            },
            Unit,
            {"code": "U009"},
        ),
        (
            "hall_manager",
            f"/catalog/units/{w.unit_b.pk}/edit/",
            {
                "district": w.district.pk,
                "hall": w.hall.pk,
                "code": "U002",
                "name": "区城市管理执法局",
                "credit_code": w.unit_b.credit_code,
                "active": "on",
            },
            Unit,
            {"name": "区城市管理执法局"},
        ),
        (
            "root",
            "/catalog/halls/new/",
            {"district": w.district.pk, "parent": w.hall.pk, "code": "H09", "name": "军山街道便民服务中心"},
            Hall,
            {"code": "H09"},
        ),
    ]


SAVE_IDS = [
    "staff-create",
    "staff-edit",
    "window-create",
    "window-edit",
    "item-create",
    "shift-create",
    "unit-create",
    "unit-edit",
    "hall-create",
]


@pytest.mark.parametrize("index", range(len(SAVE_IDS)), ids=SAVE_IDS)
def test_every_successful_save_writes_exactly_one_audit_entry(scene: Any, index: int) -> None:
    who, url, data, model, lookup = _saves(scene)[index]
    entries = AuditEntry.objects.count()
    response = scene.client(who).post(url, data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    saved = model.objects.get(**lookup)
    assert response["Location"].endswith(f"/{saved.pk}/")
    assert AuditEntry.objects.count() == entries + 1
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.object_id == str(saved.pk) and entry.actor_id == scene.users[who].pk
    assert entry.action == f"{model._meta.model_name}.{'update' if '/edit/' in url else 'create'}"
