"""Login security: argon2 hashes, lockout after repeated failures, and the lockout written to the audit log."""

from __future__ import annotations

from django.test import Client, override_settings

from pingyi.accounts.models import User
from pingyi.audit.models import AuditEntry
from tests.conftest import PASSWORD


def _login(client: Client, username: str, password: str):
    return client.post("/login/", {"username": username, "password": password})


def test_passwords_are_stored_as_argon2_hashes(world):
    user = User.objects.get(username="unita")
    assert user.password.startswith("argon2$")
    assert PASSWORD not in user.password


def test_a_good_login_lands_on_the_home_page(world):
    response = _login(Client(), "unita", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"


def test_five_wrong_passwords_lock_the_account_even_for_the_right_password(world):
    client = Client()
    for _ in range(4):
        response = _login(client, "unita", "wrong-password")
        assert "用户名或密码不正确" in response.content.decode()
    response = _login(client, "unita", "wrong-password")
    assert "账户已锁定" in response.content.decode()
    response = _login(client, "unita", PASSWORD)
    assert response.status_code == 200
    assert "账户已锁定" in response.content.decode()
    assert AuditEntry.objects.filter(action="user.lockout", object_id="unita").count() == 1


def test_a_successful_login_resets_the_failure_count(world):
    client = Client()
    for _ in range(4):
        _login(client, "unita", "wrong-password")
    assert _login(client, "unita", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        _login(client, "unita", "wrong-password")
    assert _login(client, "unita", PASSWORD).status_code == 302


@override_settings(PINGYI_LOCKOUT_ATTEMPTS=2)
def test_the_lockout_threshold_is_a_setting(world):
    client = Client()
    _login(client, "unitb", "nope")
    response = _login(client, "unitb", "nope")
    assert "账户已锁定" in response.content.decode()


def test_pages_require_login(db):
    response = Client().get("/catalog/units/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
