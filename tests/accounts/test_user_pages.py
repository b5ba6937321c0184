"""Superusers manage accounts and roles; everyone manages their own password and API tokens."""

from __future__ import annotations

from django.test import Client

from pingyi.accounts.models import ApiToken, Role, User
from pingyi.audit.models import AuditEntry


def test_a_superuser_creates_a_unit_admin_who_then_sees_only_that_unit(world):
    root = world.client("root")
    response = root.post(
        "/users/new/",
        {
            "username": "newadmin",
            "first_name": "新管理员",
            "role": Role.UNIT_ADMIN,
            "unit": world.unit_b.pk,
            "password": "a-long-enough-pass",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()
    user = User.objects.get(username="newadmin")
    assert user.unit == world.unit_b and user.district == world.district
    assert AuditEntry.objects.filter(action="user.create", object_id=str(user.pk)).count() == 1
    client = Client()
    assert (
        client.post("/login/", {"username": "newadmin", "password": "a-long-enough-pass"}).status_code == 302
    )
    body = client.get("/catalog/units/").content.decode()
    assert "区城管局" in body and "区市场监管局" not in body


def test_a_role_without_its_scope_is_refused_with_a_chinese_message(world):
    response = world.client("root").post(
        "/users/new/", {"username": "x1", "role": Role.UNIT_ADMIN, "password": "a-long-enough-pass"}
    )
    assert response.status_code == 400
    assert "该角色必须指定范围" in response.content.decode()
    assert not User.objects.filter(username="x1").exists()


def test_changing_a_role_is_audited_with_before_and_after(world):
    target = world.users["unit_a"]
    response = world.client("root").post(
        f"/users/{target.pk}/",
        {"username": "unita", "role": Role.UNIT_ADMIN, "unit": world.unit_b.pk, "is_active": "on"},
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(action="user.update", object_id=str(target.pk)).latest("seq")
    assert entry.before == {"unit_id": world.unit_a.pk} and entry.after == {"unit_id": world.unit_b.pk}


def test_only_superusers_reach_account_management(world):
    for who in ("inspector", "hall_manager", "unit_a", "clerk", "operator"):
        assert world.client(who).get("/users/").status_code == 404
        assert world.client(who).get(f"/users/{world.users['root'].pk}/").status_code == 404


def test_a_user_creates_an_api_token_shown_once_and_usable(world):
    client = world.client("unit_a")
    response = client.post("/account/", {"form": "token", "name": "台账上传"})
    body = response.content.decode()
    token = body.split('<code class="mono">')[1].split("</code>")[0]
    assert token.startswith("py_")
    record = ApiToken.objects.get(user=world.users["unit_a"])
    assert token not in record.digest
    api = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.status_code == 200 and api.json()["username"] == "unita"
    assert token not in client.get("/account/").content.decode()
    client.post(f"/account/tokens/{record.pk}/revoke/")
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_a_user_changes_its_own_password(world):
    client = world.client("clerk")
    response = client.post(
        "/account/",
        {
            "form": "password",
            "old_password": "correct-horse-battery",
            "new_password1": "another-horse-42x",
            "new_password2": "another-horse-42x",
        },
    )
    assert response.status_code == 302
    assert Client().post("/login/", {"username": "clerk", "password": "another-horse-42x"}).status_code == 302
    assert AuditEntry.objects.filter(action="user.password_change").count() == 1
