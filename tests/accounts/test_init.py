"""`pingyi init`: from an empty database to a district with its first superuser and inspector."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from pingyi.accounts.models import Role, User
from pingyi.audit.models import AuditEntry
from pingyi.catalog.models import District
from tests.accounts.pty_session import run_in_pty
from tests.helpers_files import LiveDatabase

FLAGS = [
    "--district-code",
    "330106",
    "--district-name",
    "西湖区",
    "--superuser",
    "admin",
    "--inspector",
    "jjw",
]


def _init(*args: str, stdin: str | None = None) -> str:
    out = io.StringIO()
    kwargs = {"stdout": out}
    if stdin is not None:
        kwargs["stdin"] = io.StringIO(stdin)
    call_command("init", *args, **kwargs)
    return out.getvalue()


def _one_time_password(output: str, username: str) -> str:
    line = next(line for line in output.splitlines() if f"：{username} " in line)
    return line.split("一次性密码 ")[1].split("（")[0]


def test_flags_create_the_district_both_users_and_their_audit_entries(db):
    output = _init(*FLAGS, "--no-input")
    district = District.objects.get()
    assert (district.code, district.name) == ("330106", "西湖区")
    admin, inspector = User.objects.get(username="admin"), User.objects.get(username="jjw")
    assert admin.role == Role.SUPERUSER and admin.is_superuser
    assert inspector.role == Role.INSPECTOR and inspector.district == district
    assert admin.must_change_password and inspector.must_change_password
    assert AuditEntry.objects.filter(action="district.create").count() == 1
    assert AuditEntry.objects.filter(action="user.create").count() == 2
    assert "下一步" in output and "pingyi import halls" in output
    assert admin.check_password(_one_time_password(output, "admin"))


def test_passwords_from_the_environment_are_used_and_not_printed(db, monkeypatch):
    monkeypatch.setenv("PINGYI_INIT_SUPERUSER_PASSWORD", "admin-pass-from-env")
    monkeypatch.setenv("PINGYI_INIT_INSPECTOR_PASSWORD", "inspector-pass-from-env")
    output = _init(*FLAGS, "--no-input")
    assert "admin-pass-from-env" not in output
    admin = User.objects.get(username="admin")
    assert admin.check_password("admin-pass-from-env") and not admin.must_change_password


def test_a_weak_password_from_the_environment_is_refused(db, monkeypatch):
    monkeypatch.setenv("PINGYI_INIT_SUPERUSER_PASSWORD", "12345")
    with pytest.raises(CommandError, match="超级管理员的密码"):
        _init(*FLAGS, "--no-input")
    assert not District.objects.exists() and not User.objects.exists()


@pytest.mark.parametrize(
    ("code", "message"),
    [("33010", "6位数字"), ("3301A6", "6位数字"), ("990106", "不是省级"), ("330100", "末两位不为 00")],
)
def test_a_bad_district_code_is_refused_with_the_reason(db, code, message):
    args = ["--district-code", code, *FLAGS[2:], "--no-input"]
    with pytest.raises(CommandError, match=message):
        _init(*args)
    assert not District.objects.exists()


def test_a_second_run_with_the_same_values_changes_nothing(db):
    _init(*FLAGS, "--no-input")
    entries = AuditEntry.objects.count()
    output = _init(*FLAGS, "--no-input")
    assert "未作任何更改" in output
    assert AuditEntry.objects.count() == entries and User.objects.count() == 2


def test_a_second_run_with_other_values_is_refused_and_says_what_differs(db):
    _init(*FLAGS, "--no-input")
    with pytest.raises(CommandError, match="已经初始化过") as refused:
        _init(
            "--district-code",
            "330106",
            "--district-name",
            "上城区",
            "--superuser",
            "admin",
            "--inspector",
            "jjw",
        )
    assert "西湖区" in str(refused.value)
    with pytest.raises(CommandError, match="已有区"):
        _init(
            "--district-code", "330102", "--district-name", "上城区", "--superuser", "a2", "--inspector", "j2"
        )
    assert District.objects.count() == 1 and User.objects.count() == 2


def test_missing_values_without_input_are_named(db):
    with pytest.raises(CommandError, match="区的名称"):
        _init("--district-code", "330106", "--superuser", "admin", "--inspector", "jjw", "--no-input")


def test_it_asks_for_what_the_flags_did_not_give(db):
    output = _init("--district-code", "330106", stdin="西湖区\nadmin\njjw\n")
    assert "区的名称" in output and "超级管理员用户名" in output
    assert District.objects.get().name == "西湖区"
    assert set(User.objects.values_list("username", flat=True)) == {"admin", "jjw"}


def test_the_one_time_password_signs_in_and_must_be_replaced_first(db):
    output = _init(*FLAGS, "--no-input")
    client = Client()
    response = client.post("/login/", {"username": "jjw", "password": _one_time_password(output, "jjw")})
    assert response.status_code == 302
    response = client.get("/ratings/")
    assert response.status_code == 302 and response["Location"].startswith("/account/")
    assert "一次性密码" in client.get("/account/").content.decode()
    new = "my-own-inspector-pass"
    response = client.post(
        "/account/",
        {
            "form": "password",
            "old_password": _one_time_password(output, "jjw"),
            "new_password1": new,
            "new_password2": new,
        },
    )
    assert response.status_code == 302
    assert client.get("/ratings/").status_code == 200
    assert not User.objects.get(username="jjw").must_change_password


@pytest.mark.django_db(transaction=True)
def test_interactively_at_a_terminal(tmp_path):
    code, shown = run_in_pty(
        LiveDatabase(tmp_path),
        ["init"],
        [
            ("行政区划代码", "330106"),
            ("区的名称", "西湖区"),
            ("超级管理员用户名", "admin"),
            ("纪检监察人员用户名", "jjw"),
        ],
    )
    assert code == 0, shown
    assert "已创建区 330106 西湖区" in shown and "一次性密码" in shown
    assert District.objects.get().code == "330106"
    assert User.objects.get(username="jjw").role == Role.INSPECTOR
