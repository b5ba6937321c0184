"""Accounts in bulk from Excel, and one by one on the page: each new account gets a one-time password, shown once."""

from __future__ import annotations

import io
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client
from helpers_files import write_csv, write_file

from pingyi.accounts.models import Role, User
from pingyi.audit.models import AuditEntry
from pingyi.imports.models import ImportJob
from tests.catalog.importing import refused_with, run

HEADERS = ["用户名", "姓名", "角色", "范围", "电话"]


def good_rows(world) -> list[list[str]]:
    from pingyi.catalog.models import Staff

    Staff.objects.get_or_create(unit=world.unit_a, employee_no="A-002", defaults={"name": "李敏"})
    return [
        HEADERS,
        ["jjw2", "纪检二", "纪检监察", "", ""],
        ["dating", "大厅主任", "大厅管理", "H01", ""],
        ["scj", "市监管理员", "单位管理员", world.unit_a.credit_code, "13800005555"],
        ["limin", "李敏", "窗口工作人员", "U001/A-002", ""],
        ["longqiang", "龙强", "窗口工作人员", "B-001", ""],
        ["hotline", "话务员", "热线话务员", world.district.code, ""],
    ]


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path) -> None:
    settings.UPLOAD_ROOT = str(tmp_path / "uploads")


def test_a_superuser_imports_accounts_each_with_a_one_time_password_shown_once(world, tmp_path):
    job = run(world, "root", "users", write_file(tmp_path / "账户", good_rows(world), "xlsx"))
    assert job.status == ImportJob.Status.DONE, job.errors
    assert job.created_count == 6
    admin = User.objects.get(username="scj")
    assert (admin.role, admin.unit, admin.district) == (Role.UNIT_ADMIN, world.unit_a, world.district)
    assert admin.phone_masked.startswith("138") and "13800005555" not in admin.phone_ciphertext
    assert User.objects.get(username="limin").staff.employee_no == "A-002"
    assert User.objects.get(username="longqiang").staff == world.staff_b
    assert User.objects.get(username="dating").hall == world.hall
    assert all(u.must_change_password for u in User.objects.filter(username__in=["jjw2", "scj", "hotline"]))
    assert AuditEntry.objects.filter(action="user.create", object_repr="scj").count() == 1

    root = world.client("root")
    page = root.get(f"/imports/{job.pk}/").content.decode()
    assert 'data-testid="handout"' in page
    password = re.search(
        r"<td class=\"mono\">scj</td><td class=\"mono\">[^<]*</td><td class=\"mono\">[^<]*</td><td class=\"mono\">([^<]+)</td>",
        page,
    )
    assert password, page
    assert admin.check_password(password.group(1))
    assert 'data-testid="handout"' not in root.get(f"/imports/{job.pk}/").content.decode()  # once
    assert AuditEntry.objects.filter(action="import_job.handout").count() == 1

    client = Client()
    assert client.post("/login/", {"username": "scj", "password": password.group(1)}).status_code == 302
    assert client.get("/ledger/")["Location"].startswith("/account/")


@pytest.mark.parametrize(
    ("row", "column", "text"),
    [
        (["unita", "重复", "单位管理员", "U001", ""], "用户名", "已存在"),
        (["new1", "某人", "局长", "U001", ""], "角色", "应为"),
        (["new1", "某人", "系统管理员", "", ""], "角色", "不能批量导入"),
        (["new1", "某人", "单位管理员", "", ""], "范围", "必须指定范围"),
        (["new1", "某人", "单位管理员", "U999", ""], "范围", "找不到单位"),
        (["new1", "某人", "窗口工作人员", "A-001", ""], "范围", "已有账户"),
        (["new1", "某人", "纪检监察", "420114", ""], "范围", "不是本区"),
        (["new 1", "某人", "纪检监察", "", ""], "用户名", "只能包含"),
        (["new1", "某人", "纪检监察", "", "12345"], "电话", "不是有效的电话号码"),
    ],
)
def test_a_bad_row_imports_no_account(world, tmp_path, row, column, text):
    count = User.objects.count()
    job = run(
        world,
        "root",
        "users",
        write_csv(tmp_path / "u.csv", [HEADERS, ["ok1", "好人", "纪检监察", "", ""], row]),
    )
    assert refused_with(job, 3, column, text), job.errors
    assert User.objects.count() == count and not job.handout


def test_only_a_superuser_imports_accounts(world, tmp_path):
    with pytest.raises(PermissionDenied):
        run(world, "hall_manager", "users", write_csv(tmp_path / "u.csv", good_rows(world)))


def test_the_command_line_prints_the_one_time_passwords(world, tmp_path):
    path = write_csv(tmp_path / "u.csv", good_rows(world)[:2])
    out = io.StringIO()
    call_command("import", "users", str(path), "--district", world.district.code, stdout=out)
    line = next(line for line in out.getvalue().splitlines() if line.startswith("jjw2\t"))
    assert User.objects.get(username="jjw2").check_password(line.split("\t")[3])


def test_a_superuser_creates_an_account_on_the_page_with_a_one_time_password(world):
    root = world.client("root")
    response = root.post(
        "/users/new/",
        {
            "username": "newadmin",
            "first_name": "新管理员",
            "role": "unit_admin",
            "unit": world.unit_b.pk,
            "is_active": "on",
            "phone": "13900007777",
        },
    )
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    password = re.search(r'<code class="mono">([^<]+)</code>', response.content.decode()).group(1)
    user = User.objects.get(username="newadmin")
    assert user.check_password(password) and user.must_change_password and user.unit == world.unit_b
    assert user.phone_masked.startswith("139")
