"""First run: the district, its first superuser and its first inspector, created once (`pingyi init`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from pingyi.accounts.models import Role, User
from pingyi.accounts.onetime import one_time_password
from pingyi.accounts.roles import SystemActor
from pingyi.accounts.services import user_create
from pingyi.catalog.models import District
from pingyi.catalog.services import district_create
from pingyi.lib.codes import division_code_problem

INIT_ACTOR = SystemActor("pingyi init")


@dataclass(frozen=True)
class FirstRun:
    district_code: str
    district_name: str
    superuser: str
    inspector: str
    superuser_password: str = ""  # empty: generate a one-time password
    inspector_password: str = ""


@dataclass
class FirstRunResult:
    district: District
    created: bool  # False: everything already existed with these values, nothing changed
    # username → the generated one-time password (shown once; the user must replace it at the first sign-in)
    generated: dict[str, str] = field(default_factory=dict)


class AlreadyInitialized(ValidationError):
    """The database already holds a district set up with other values."""


def first_run_problems(values: FirstRun) -> list[str]:
    problems = []
    if problem := division_code_problem(values.district_code):
        problems.append(problem)
    if not values.district_name.strip():
        problems.append("请填写区的名称")
    if not values.superuser.strip() or not values.inspector.strip():
        problems.append("请填写超级管理员和纪检监察人员的用户名")
    elif values.superuser == values.inspector:
        problems.append("超级管理员和纪检监察人员不能是同一个用户名")
    for who, password in (
        ("超级管理员", values.superuser_password),
        ("纪检监察人员", values.inspector_password),
    ):
        if password:
            try:
                validate_password(password)
            except ValidationError as exc:
                problems.extend(f"{who}的密码：{m}" for m in exc.messages)
    return problems


def _matches(values: FirstRun) -> tuple[bool, list[str]]:
    """Whether the stored first run is this one; else what differs."""
    differences = []
    district = District.objects.filter(code=values.district_code).first()
    if district is None:
        existing = ", ".join(f"{d.code} {d.name}" for d in District.objects.all()[:5])
        return False, [f"数据库中已有区：{existing}"]
    if district.name != values.district_name.strip():
        differences.append(f"区 {district.code} 的名称是“{district.name}”，不是“{values.district_name}”")
    for username, role in ((values.superuser, Role.SUPERUSER), (values.inspector, Role.INSPECTOR)):
        user = User.objects.filter(username=username).first()
        if user is None:
            differences.append(f"没有用户“{username}”")
        elif user.role != role or user.district_id != district.pk:
            differences.append(f"用户“{username}”的角色或所属区不同")
    return not differences, differences


@transaction.atomic
def first_run(values: FirstRun) -> FirstRunResult:
    """Create the district, the superuser and the inspector, each with its audit entry; or, when the database was
    already initialised with the same values, change nothing; or refuse with what differs."""
    problems = first_run_problems(values)
    if problems:
        raise ValidationError(problems)
    if District.objects.exists():
        same, differences = _matches(values)
        if same:
            return FirstRunResult(district=District.objects.get(code=values.district_code), created=False)
        raise AlreadyInitialized(["已经初始化过，且与这次给出的值不同，未作任何更改：", *differences])
    taken = list(
        User.objects.filter(username__in=[values.superuser, values.inspector]).values_list(
            "username", flat=True
        )
    )
    if taken:
        raise ValidationError([f"用户名已存在：{'、'.join(taken)}"])
    district = district_create(actor=INIT_ACTOR, code=values.district_code, name=values.district_name)
    generated: dict[str, str] = {}
    for username, role, given in (
        (values.superuser, Role.SUPERUSER, values.superuser_password),
        (values.inspector, Role.INSPECTOR, values.inspector_password),
    ):
        password = given or one_time_password()
        if not given:
            generated[username] = password
        user_create(
            actor=INIT_ACTOR,
            username=username,
            password=password,
            role=role,
            district=district,
            must_change_password=not given,
        )
    return FirstRunResult(district=district, created=True, generated=generated)
