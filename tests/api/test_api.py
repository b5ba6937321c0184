"""The HTTP API under /api/v1/: the same scopes as the pages, structured JSON errors, idempotent writes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from pingyi.accounts.models import ApiToken
from pingyi.audit.models import AuditEntry
from pingyi.catalog.models import ServiceItem, Staff, Unit, Window
from tests.conftest import bearer, credit

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


def post(client: Client, path: str, body: dict[str, Any], key: str | None = "k-1") -> Any:
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(
        f"/api/v1{path}", data=json.dumps(body), content_type="application/json", headers=headers
    )


def error_of(response: Any) -> dict[str, Any]:
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["message"] and not body["error"]["message"].isascii()  # a Chinese message
    return body["error"]


# Lists: endpoint -> world attributes of its rows
ENDPOINTS = {
    "halls": ["hall", "sub_hall", "other_hall"],
    "units": ["unit_a", "unit_b", "unit_sub", "unit_other"],
    "windows": ["window_a", "window_b", "window_sub", "window_other"],
    "staff": ["staff_a", "staff_b", "staff_other"],
    "items": ["item_a", "item_b"],
}
DISTRICT = {
    "halls": {"hall", "sub_hall"},
    "units": {"unit_a", "unit_b", "unit_sub"},
    "windows": {"window_a", "window_b", "window_sub"},
    "staff": {"staff_a", "staff_b"},
    "items": {"item_a", "item_b"},
}
EXPECTED: dict[str, dict[str, set[str]]] = {
    "inspector": DISTRICT,
    "hall_manager": DISTRICT,
    "sub_manager": {
        "halls": {"sub_hall"},
        "units": {"unit_sub"},
        "windows": {"window_sub"},
        "staff": set(),
        "items": set(),
    },
    "unit_a": {
        "halls": {"hall"},
        "units": {"unit_a"},
        "windows": {"window_a"},
        "staff": {"staff_a"},
        "items": {"item_a"},
    },
    "unit_b": {
        "halls": {"hall"},
        "units": {"unit_b"},
        "windows": {"window_b"},
        "staff": {"staff_b"},
        "items": {"item_b"},
    },
    "clerk": {"halls": set(), "units": {"unit_a"}, "windows": set(), "staff": {"staff_a"}, "items": set()},
    "operator": {**DISTRICT, "staff": set()},
    "outsider": {
        "halls": {"other_hall"},
        "units": {"unit_other"},
        "windows": {"window_other"},
        "staff": {"staff_other"},
        "items": set(),
    },
    "root": {name: set(attrs) for name, attrs in ENDPOINTS.items()},
}
MATRIX = [(who, name) for who in ROLES for name in ENDPOINTS]


@pytest.mark.parametrize(("who", "endpoint"), MATRIX, ids=[f"{w}-{e}" for w, e in MATRIX])
def test_each_role_lists_exactly_its_scope_through_the_api(world: Any, who: str, endpoint: str) -> None:
    response = bearer(world, who).get(f"/api/v1/{endpoint}")
    assert response.status_code == 200
    assert {row["id"] for row in response.json()} == {getattr(world, a).pk for a in EXPECTED[who][endpoint]}


@pytest.mark.parametrize(("who", "endpoint"), MATRIX, ids=[f"{w}-{e}" for w, e in MATRIX])
def test_every_detail_endpoint_answers_404_json_for_a_row_outside_the_scope(
    world: Any, who: str, endpoint: str
) -> None:
    client = bearer(world, who)
    for attr in ENDPOINTS[endpoint]:
        response = client.get(f"/api/v1/{endpoint}/{getattr(world, attr).pk}")
        if attr in EXPECTED[who][endpoint]:
            assert response.status_code == 200, attr
            assert response.json()["id"] == getattr(world, attr).pk
        else:
            assert response.status_code == 404, attr
            assert error_of(response)["code"] == "not_found"


def test_a_row_outside_the_scope_and_a_row_that_does_not_exist_look_the_same(world: Any) -> None:
    client = bearer(world, "unit_a")
    foreign = client.get(f"/api/v1/units/{world.unit_b.pk}")
    missing = client.get("/api/v1/units/987654")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()


def test_the_api_never_returns_a_staff_members_full_phone(world: Any) -> None:
    body = bearer(world, "unit_a").get(f"/api/v1/staff/{world.staff_a.pk}").json()
    assert body["name"] == "张敏" and body["phone_masked"] == "138****1111"
    assert "13800001111" not in json.dumps(body)


@pytest.mark.parametrize("who", ["unit_a", "clerk", "root"])
def test_me_describes_the_caller(world: Any, who: str) -> None:
    user = world.users[who]
    body = bearer(world, who).get("/api/v1/me").json()
    assert body == {
        "username": user.username,
        "role": user.role,
        "district_id": user.district_id,
        "hall_id": user.hall_id,
        "unit_id": user.unit_id,
        "staff_id": user.staff_id,
    }


# Authentication
@pytest.mark.parametrize("path", ["/me", "/halls", "/units", "/units/1", "/windows", "/staff", "/items/1"])
def test_without_credentials_the_api_answers_401_json(db: Any, path: str) -> None:
    response = Client().get(f"/api/v1{path}")
    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthenticated"


def test_a_post_without_credentials_is_401_and_creates_nothing(world: Any) -> None:
    response = post(Client(), "/staff", {"unit_id": world.unit_a.pk, "employee_no": "A-9", "name": "匿名"})
    assert response.status_code == 401
    assert not Staff.objects.filter(employee_no="A-9").exists()


def test_a_wrong_or_revoked_bearer_token_is_401(world: Any) -> None:
    assert Client(headers={"Authorization": "Bearer py_not-a-token"}).get("/api/v1/me").status_code == 401
    client = bearer(world, "unit_a")
    assert client.get("/api/v1/me").status_code == 200
    ApiToken.objects.filter(user=world.users["unit_a"]).update(revoked=True)
    assert client.get("/api/v1/me").status_code == 401


def test_a_bearer_token_of_a_deactivated_user_is_401(world: Any) -> None:
    client = bearer(world, "unit_a")
    user = world.users["unit_a"]
    user.is_active = False
    user.save()
    assert client.get("/api/v1/units").status_code == 401


def test_the_session_of_a_logged_in_page_user_works_for_the_api(world: Any) -> None:
    response = world.client("unit_b").get("/api/v1/units")
    assert response.status_code == 200
    assert [row["name"] for row in response.json()] == ["区城管局"]


# Writes and idempotency
def staff_body(world: Any, **changes: Any) -> dict[str, Any]:
    return {
        "unit_id": world.unit_a.pk,
        "employee_no": "A-100",
        "name": "王芳",
        "phone": "13600005555",
        **changes,
    }


def test_a_post_without_an_idempotency_key_is_a_400_structured_error(world: Any) -> None:
    response = post(bearer(world, "unit_a"), "/staff", staff_body(world), key=None)
    assert response.status_code == 400
    assert error_of(response)["code"] == "idempotency_key_required"
    assert not Staff.objects.filter(employee_no="A-100").exists()


def test_a_unit_admin_creates_a_staff_member_with_one_audit_entry(world: Any) -> None:
    client = bearer(world, "unit_a")
    entries = AuditEntry.objects.count()
    response = post(client, "/staff", staff_body(world))
    assert response.status_code == 201
    body = response.json()
    created = Staff.objects.get(pk=body["id"])
    assert (created.unit_id, created.name, created.phone_plain()) == (world.unit_a.pk, "王芳", "13600005555")
    assert body["phone_masked"] == "136****5555"
    assert AuditEntry.objects.count() == entries + 1


def test_replaying_the_same_key_and_body_returns_the_same_response_and_creates_one_object(world: Any) -> None:
    client = bearer(world, "unit_a")
    first = post(client, "/staff", staff_body(world), key="replay-1")
    entries = AuditEntry.objects.count()
    second = post(client, "/staff", staff_body(world), key="replay-1")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert Staff.objects.filter(employee_no="A-100").count() == 1
    assert AuditEntry.objects.count() == entries


def test_reusing_a_key_with_another_body_is_422_and_changes_nothing(world: Any) -> None:
    client = bearer(world, "unit_a")
    assert post(client, "/staff", staff_body(world), key="reuse-1").status_code == 201
    response = post(client, "/staff", staff_body(world, employee_no="A-101", name="李娜"), key="reuse-1")
    assert response.status_code == 422
    assert error_of(response)["code"] == "idempotency_key_reused"
    assert not Staff.objects.filter(employee_no="A-101").exists()


def test_a_key_belongs_to_its_caller_so_another_user_cannot_replay_it(world: Any) -> None:
    assert post(bearer(world, "unit_a"), "/staff", staff_body(world), key="shared").status_code == 201
    response = post(
        bearer(world, "unit_b"),
        "/staff",
        staff_body(world, unit_id=world.unit_b.pk, employee_no="B-100"),
        key="shared",
    )
    assert response.status_code == 201
    assert response.json()["unit_id"] == world.unit_b.pk
    assert Staff.objects.filter(employee_no="B-100", unit=world.unit_b).exists()


def test_a_refused_write_does_not_burn_its_key(world: Any) -> None:
    client = bearer(world, "unit_a")
    assert post(client, "/staff", staff_body(world, phone="12"), key="retry-1").status_code == 422
    assert post(client, "/staff", staff_body(world), key="retry-2").status_code == 201
    fixed = post(client, "/staff", staff_body(world, employee_no="A-102"), key="retry-1")
    assert fixed.status_code == 201


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/staff", {"unit_id": "UNIT", "employee_no": "A-1", "name": "x"}, "unit_id"),
        ("/staff", {"unit_id": 1, "employee_no": "A-1"}, "name"),
        ("/units", {"hall_id": 1, "code": "U9", "name": "x"}, "credit_code"),
        ("/items", {"unit_id": 1, "name": "x"}, "code"),
    ],
    ids=["wrong-type", "missing-name", "missing-credit-code", "missing-code"],
)
def test_a_malformed_body_is_422_with_the_offending_field(
    world: Any, path: str, body: dict, field: str
) -> None:
    response = post(bearer(world, "root"), path, body)
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid" and field in error["fields"]


@pytest.mark.parametrize(
    ("who", "path", "body", "field"),
    [
        ("unit_a", "/staff", {"employee_no": "A-1", "name": "x", "phone": "12"}, "phone"),
        (
            "hall_manager",
            "/units",
            {"code": "U9", "name": "新单位", "credit_code": "12420113000000001X"},
            "credit_code",
        ),
        ("hall_manager", "/units", {"code": "U001", "name": "重复编码", "credit_code": credit(9)}, "__all__"),
        ("unit_a", "/windows", {"code": "009", "name": "x", "hours": "随时"}, "hours"),
        ("unit_a", "/items", {"code": "420113001", "name": "重复编码"}, "__all__"),
    ],
    ids=["bad-phone", "bad-credit-code", "duplicate-unit-code", "bad-hours", "duplicate-item-code"],
)
def test_a_body_the_rules_refuse_is_422_with_fields_named_as_in_the_request(
    world: Any, who: str, path: str, body: dict, field: str
) -> None:
    full = {"unit_id": world.unit_a.pk, "hall_id": world.hall.pk, **body}
    before = (
        Unit.objects.count(),
        Staff.objects.count(),
        Window.objects.count(),
        ServiceItem.objects.count(),
    )
    response = post(bearer(world, who), path, full)
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid" and field in error["fields"], error
    assert all(isinstance(m, str) and m for m in error["fields"][field])
    assert (
        Unit.objects.count(),
        Staff.objects.count(),
        Window.objects.count(),
        ServiceItem.objects.count(),
    ) == before


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/staff", {"employee_no": "B-9", "name": "越权"}),
        ("/windows", {"code": "099", "name": "越权窗口", "hours": "周一 09:00-12:00"}),
        ("/items", {"code": "420113099", "name": "越权事项"}),
    ],
)
def test_a_unit_admin_cannot_write_into_another_unit(world: Any, path: str, body: dict) -> None:
    client = bearer(world, "unit_a")
    counts = (
        Staff.objects.count(),
        Window.objects.count(),
        ServiceItem.objects.count(),
        AuditEntry.objects.count(),
    )
    response = post(client, path, {"unit_id": world.unit_b.pk, "hall_id": world.hall.pk, **body})
    assert response.status_code in (404, 422)
    assert "unit_id" in error_of(response).get("fields", {"unit_id": []})
    assert (
        Staff.objects.count(),
        Window.objects.count(),
        ServiceItem.objects.count(),
        AuditEntry.objects.count(),
    ) == counts


@pytest.mark.parametrize("who", ["inspector", "operator", "clerk"])
def test_a_role_without_edit_rights_cannot_post(world: Any, who: str) -> None:
    response = post(bearer(world, who), "/staff", staff_body(world))
    assert response.status_code in (403, 422)
    assert not Staff.objects.filter(employee_no="A-100").exists()


def test_a_unit_admin_creates_a_window_with_hours_and_an_item_handled_there(world: Any) -> None:
    client = bearer(world, "unit_a")
    window = post(
        client,
        "/windows",
        {
            "hall_id": world.hall.pk,
            "unit_id": world.unit_a.pk,
            "code": "009",
            "name": "登记窗口",
            "hours": "周一至周五 08:30-12:00",
        },
        key="w",
    )
    assert window.status_code == 201 and window.json()["hours"]
    item = post(
        client,
        "/items",
        {
            "unit_id": world.unit_a.pk,
            "code": "420113009",
            "name": "食品经营许可",
            "window_ids": [window.json()["id"]],
        },
        key="i",
    )
    assert item.status_code == 201
    assert item.json()["window_ids"] == [window.json()["id"]]
    assert ServiceItem.objects.get(code="420113009").district_id == world.district.pk


def test_an_item_cannot_name_a_window_of_another_unit(world: Any) -> None:
    response = post(
        bearer(world, "unit_a"),
        "/items",
        {"unit_id": world.unit_a.pk, "code": "420113009", "name": "x", "window_ids": [world.window_b.pk]},
    )
    assert response.status_code == 422 and "window_ids" in error_of(response)["fields"]
    assert not ServiceItem.objects.filter(code="420113009").exists()


@pytest.mark.parametrize("who", ["hall_manager", "root"])
def test_a_unit_is_created_in_the_district_of_its_hall(world: Any, who: str) -> None:
    response = post(
        bearer(world, who),
        "/units",
        {"hall_id": world.sub_hall.pk, "code": "U009", "name": "沌口税务所", "credit_code": credit(9)},
    )
    assert response.status_code == 201, response.json()
    assert Unit.objects.get(pk=response.json()["id"]).district_id == world.district.pk


def test_a_sub_centre_manager_cannot_create_a_unit_in_the_main_hall(world: Any) -> None:
    response = post(
        bearer(world, "sub_manager"),
        "/units",
        {"hall_id": world.hall.pk, "code": "U009", "name": "越权单位", "credit_code": credit(9)},
    )
    assert response.status_code in (404, 422)
    assert not Unit.objects.filter(code="U009").exists()


# Paging parameters
@pytest.mark.parametrize("query", ["offset=-1", "limit=-5", "limit=0", "offset=abc", f"offset={2**70}"])
def test_nonsense_paging_parameters_are_a_422_not_a_crash(world: Any, query: str) -> None:
    response = bearer(world, "root").get(f"/api/v1/units?{query}")
    assert response.status_code == 422
    assert error_of(response)["code"] == "invalid"


def test_limit_and_offset_page_through_the_list(world: Any) -> None:
    client = bearer(world, "root")
    everything = [row["id"] for row in client.get("/api/v1/units").json()]
    pages = [
        row["id"]
        for offset in range(0, 4, 2)
        for row in client.get(f"/api/v1/units?limit=2&offset={offset}").json()
    ]
    assert pages == everything and len(everything) == 4


@pytest.mark.parametrize("path", [f"/units/{2**70}", f"/staff/{2**63}", f"/windows?unit_id={2**70}"])
def test_an_id_too_large_for_the_database_is_not_a_crash(world: Any, path: str) -> None:
    response = bearer(world, "root").get(f"/api/v1{path}")
    assert response.status_code in (200, 404, 422)
    assert response.status_code != 200 or response.json() == []


# The schema
def test_the_openapi_document_is_openapi_3_and_lists_the_catalogue(db: Any) -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/v1/me",
        "/api/v1/units",
        "/api/v1/units/{unit_id}",
        "/api/v1/staff/{staff_id}",
        "/api/v1/items",
    ):
        assert path in schema["paths"], path
    assert "post" in schema["paths"]["/api/v1/staff"]


def test_a_session_post_without_a_csrf_token_is_refused(world: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["unit_a"])
    response = post(client, "/staff", staff_body(world))
    assert response.status_code == 403
    assert error_of(response)["code"] == "csrf_failed"
    assert not Staff.objects.filter(employee_no="A-100").exists()


def test_a_body_that_is_not_json_is_a_400_structured_error(world: Any) -> None:
    client = bearer(world, "unit_a")
    response = client.post(
        "/api/v1/staff",
        data="{not json",
        content_type="application/json",
        headers={"Idempotency-Key": "broken"},
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == "http_error"
