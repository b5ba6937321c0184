"""`pingyi createsuperuser`, as the README names it: with --noinput and DJANGO_SUPERUSER_* and at a terminal."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from pingyi.accounts.models import Role, User
from pingyi.audit.models import AuditEntry
from tests.accounts.pty_session import run_in_pty
from tests.helpers_files import LiveDatabase

PASSWORD = "a-long-admin-passphrase"


def test_noinput_with_the_environment_creates_a_superuser_with_the_superuser_role(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "admin")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "admin@example.gov.cn")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("createsuperuser", "--noinput", verbosity=0)
    user = User.objects.get(username="admin")
    assert user.role == Role.SUPERUSER and user.is_superuser and user.is_staff
    assert user.check_password(PASSWORD)
    assert AuditEntry.objects.filter(action="user.create", object_repr="admin").count() == 1


def test_the_superuser_can_sign_in_and_reach_the_user_pages(db, client, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command(
        "createsuperuser", "--noinput", "--username", "root2", "--email", "r@example.gov.cn", verbosity=0
    )
    response = client.post("/login/", {"username": "root2", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/users/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_interactively_at_a_terminal(tmp_path):
    code, shown = run_in_pty(
        LiveDatabase(tmp_path),
        ["createsuperuser"],
        [
            ("用户名", "chief"),
            ("电子邮件地址", "chief@example.gov.cn"),
            ("Password", PASSWORD),
            ("Password (again)", PASSWORD),
        ],
    )
    assert code == 0, shown
    user = User.objects.get(username="chief")
    assert user.role == Role.SUPERUSER and user.is_superuser
    assert user.check_password(PASSWORD)
