"""Import kind of user accounts from Excel: username, name, role, scope by code, phone. Each new account gets a
one-time password, handed once to the importer (decision 0028) and replaced by its user at the first sign-in."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from pingyi.accounts.models import ROLE_ANCHOR, Role, User
from pingyi.accounts.onetime import one_time_password
from pingyi.accounts.roles import Actor, SystemActor
from pingyi.accounts.services import user_create
from pingyi.catalog.importers.common import AMBIGUOUS, CatalogKind, by_code_and_name, units_by_reference
from pingyi.catalog.models import Hall, Staff, Unit
from pingyi.imports.kinds import Column, RowErrors, register_kind
from pingyi.lib import crypto

SCOPE_HELP = (
    "纪检监察、热线话务员：区划代码（可留空，即本区）；大厅管理：大厅编码或名称；"
    "单位管理员：单位编码、统一社会信用代码或名称；窗口工作人员：工号，或“单位编码/工号”"
)
# Roles an import may give; superusers are made with `pingyi init`, `pingyi createsuperuser` or on the user page.
IMPORTABLE = (Role.INSPECTOR, Role.HALL_MANAGER, Role.UNIT_ADMIN, Role.STAFF, Role.OPERATOR)


def _roles() -> dict[str, Role]:
    names: dict[str, Role] = {}
    for role in IMPORTABLE:
        names[str(role.label)] = role
        names[role.value] = role
    names.update(
        {
            "纪委": Role.INSPECTOR,
            "大厅管理员": Role.HALL_MANAGER,
            "窗口人员": Role.STAFF,
            "话务员": Role.OPERATOR,
        }
    )
    return names


@register_kind
class UserImport(CatalogKind):
    key, label, model = "users", "账户", User
    columns = (
        Column("username", "用户名", ("账号", "登录名", "username")),
        Column("name", "姓名", ("显示名称", "名称", "name")),
        Column(
            "role",
            "角色",
            ("角色类型", "role"),
            help="纪检监察、大厅管理、单位管理员、窗口工作人员或热线话务员",
        ),
        Column("scope", "范围", ("范围编码", "所属", "scope"), required=False, help=SCOPE_HELP),
        Column("phone", "电话", ("手机", "手机号", "联系电话", "phone"), required=False),
    )

    def prepare(self) -> None:
        super().prepare()
        self.roles = _roles()
        self.halls = by_code_and_name(Hall.objects.filter(district=self.district))
        self.units = units_by_reference(Unit.objects.filter(district=self.district))
        self.staff: dict[Any, Any] = {}
        for person in Staff.objects.filter(unit__district=self.district).select_related("unit"):
            self.staff[(person.unit.code, person.employee_no)] = person
            key = ("any", person.employee_no)
            self.staff[key] = AMBIGUOUS if key in self.staff else person
        self.taken = set(User.objects.values_list("username", flat=True))
        self.linked = set(User.objects.exclude(staff=None).values_list("staff_id", flat=True))
        self.handed: list[list[str]] = []

    def _scope(self, role: Role, text: str, errors: RowErrors) -> dict[str, Any]:
        anchor = ROLE_ANCHOR[role]
        if anchor == "district":
            if text and text != self.district.code:
                errors.add("范围", f"“{text}”不是本区的区划代码 {self.district.code}")
            return {"district": self.district}
        if not text:
            errors.add("范围", "该角色必须指定范围")
            return {}
        if anchor == "hall":
            hall = self.lookup(self.halls, text, "范围", "大厅", errors)
            return {"hall": hall} if hall else {}
        if anchor == "unit":
            unit = self.lookup(self.units, text, "范围", "单位", errors)
            return {"unit": unit} if unit else {}
        unit_text, slash, number = text.rpartition("/")
        if slash:
            unit = self.units.get(unit_text.strip())
            if unit is None or unit is AMBIGUOUS:
                errors.add("范围", f"找不到单位“{unit_text}”")
                return {}
            person = self.staff.get((unit.code, number.strip()))
        else:
            person = self.staff.get(("any", text))
        if person is AMBIGUOUS:
            errors.add("范围", f"多个单位有工号“{number}”，请写成“单位编码/工号”")
            return {}
        if person is None:
            errors.add("范围", f"找不到工作人员“{text}”")
            return {}
        if person.pk in self.linked:
            errors.add("范围", f"{person.name}（{person.employee_no}）已有账户")
            return {}
        self.linked.add(person.pk)
        return {"staff": person}

    def validate(self, row_no: int, values: dict[str, str]) -> Any:
        errors = RowErrors()
        self.required(values, errors)
        self.length(values, errors, username=150, name=150)
        username = values["username"]
        if username:
            try:
                User.username_validator(username)
            except ValidationError:
                errors.add("用户名", f"“{username}”只能包含字母、数字和 @ . + - _")
            if username in self.taken:
                errors.add("用户名", f"用户名“{username}”已存在")
            self.once(username, row_no, "用户名", errors)
        role = self.roles.get(values["role"].strip()) if values["role"] else None
        if values["role"] and role is None:
            allowed = "、".join(str(r.label) for r in IMPORTABLE)
            errors.add("角色", f"“{values['role']}”应为{allowed}之一（系统管理员不能批量导入）")
        scope = self._scope(role, values.get("scope", "").strip(), errors) if role else {}
        phone = values.get("phone", "").strip()
        if phone:
            try:
                phone = crypto.normalize_phone(phone)
            except ValueError:
                errors.add("电话", f"“{phone}”不是有效的电话号码")
        if errors.problems:
            raise errors
        return {"username": username, "display_name": values["name"], "role": role, "phone": phone, **scope}

    def commit(self, prepared: list[Any]) -> tuple[int, int, dict[str, Any]]:
        actor: Actor = self.actor or SystemActor("pingyi import")
        self.handed = [["用户名", "姓名", "角色", "一次性密码"]]
        for data in prepared:
            password = one_time_password()
            user = user_create(actor=actor, password=password, must_change_password=True, **data)
            self.handed.append([user.username, user.first_name, str(Role(user.role).label), password])
        return len(prepared), 0, {"usernames": [d["username"] for d in prepared][:200]}

    def handout(self) -> list[list[str]]:
        return self.handed
