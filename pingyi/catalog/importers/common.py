"""What the catalogue's import kinds share: the scoped lookups, references to units and staff, flags.

An optional column that is missing from the file, or a cell of it left empty, leaves an existing row's value as it
is: a staff file without 在岗 does not bring back people who left, an items file without 办理窗口 keeps the links.

A unit is referenced by its code, its 统一社会信用代码 or its name wherever a file names one; a file that carries two
of them (统一社会信用代码 and 单位名称) is read by the first, and a row where the second names another unit is an error.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from pingyi.accounts.models import User
from pingyi.accounts.scopes import restrict
from pingyi.catalog.models import Staff, Unit
from pingyi.imports.kinds import Column, ImportKind, RowErrors, extras

_TRUE = {"是", "1", "true", "y", "yes", "参评", "启用", "在岗", ""}
_FALSE = {"否", "0", "false", "n", "no", "停用", "不参评", "离岗"}
AMBIGUOUS = object()  # a name two rows share: it cannot reference one of them

UNIT_ALIASES = (
    "单位编码",
    "所属单位",
    "单位名称",
    "统一社会信用代码",
    "信用代码",
    "deptCode",
    "deptName",
    "creditCode",
)
UNIT_HELP = "单位编码、统一社会信用代码或单位名称"


def unit_column(*more: str) -> Column:
    return Column("unit", "单位", (*UNIT_ALIASES, *more), help=UNIT_HELP)


def flag(value: str, label: str, errors: RowErrors) -> bool:
    v = value.strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    errors.add(label, f"“{value}”应为“是”或“否”")
    return True


def by_code_and_name(objects: Any) -> dict[str, Any]:
    """Objects by code and by name (a code wins; a name two objects share maps to ``AMBIGUOUS``)."""
    mapping: dict[str, Any] = {}
    for obj in objects:
        mapping[obj.name] = AMBIGUOUS if obj.name in mapping else obj
    for obj in objects:
        mapping[obj.code] = obj
    return mapping


def units_by_reference(units: Any) -> dict[str, Any]:
    """Units by code, by 统一社会信用代码 and by name."""
    units = list(units)
    mapping = by_code_and_name(units)
    for unit in units:
        mapping[unit.credit_code] = unit
    return mapping


def staff_by_reference(staff: Any) -> dict[tuple[int, str], Any]:
    """Staff by (unit id, 工号) and (unit id, name); a name two people of a unit share maps to ``AMBIGUOUS``."""
    staff = list(staff)
    mapping: dict[tuple[int, str], Any] = {}
    for person in staff:
        key = (person.unit_id, person.name)
        mapping[key] = AMBIGUOUS if key in mapping else person
    for person in staff:
        mapping[(person.unit_id, person.employee_no)] = person
    return mapping


class CatalogKind(ImportKind):
    model: type[Model]
    key_column: str = "code"
    actor: User | None

    def prepare(self) -> None:
        self.actor = self.job.actor
        self.district = self.job.district
        self.seen: dict[Any, int] = {}

    def scoped(self, model: type[Model]) -> Any:
        qs = model._default_manager.all()
        return restrict(qs, self.actor) if self.actor is not None else qs

    def once(self, key: Any, row_no: int, label: str, errors: RowErrors) -> None:
        if key in self.seen:
            errors.add(label, f"与第 {self.seen[key]} 行重复")
        else:
            self.seen[key] = row_no

    def lookup(self, mapping: dict[Any, Any], value: Any, label: str, what: str, errors: RowErrors) -> Any:
        key = value.strip() if isinstance(value, str) else value
        found = mapping.get(key)
        shown = value if isinstance(value, str) else value[-1]
        if found is AMBIGUOUS:
            errors.add(label, f"有多个{what}叫“{shown}”，请填写编码")
            return None
        if found is None:
            errors.add(label, f"找不到{what}“{shown}”，或不在您的管理范围内")
        return found

    def referenced_unit(
        self, values: dict[str, str], units: dict[str, Any], errors: RowErrors
    ) -> Unit | None:
        """The unit the row's 单位 column names, checked against every further unit column of the file."""
        if not values.get("unit", "").strip():
            return None
        unit = self.lookup(units, values["unit"], "单位", "单位", errors)
        for header, text in extras(values, "unit"):
            if unit is not None and text and units.get(text) is not unit:
                errors.add(header, f"“{text}”与同一行的“{values['unit']}”不是同一个单位")
        return unit

    def referenced_staff(
        self,
        values: dict[str, str],
        key: str,
        label: str,
        unit: Unit,
        staff: dict[Any, Any],
        errors: RowErrors,
    ) -> Staff | None:
        """The staff member of ``unit`` the column ``key`` names by 工号 or name, checked against its further
        columns (a file with both 工号 and 姓名)."""
        text = values.get(key, "").strip()
        if not text:
            return None
        person = self.lookup(staff, (unit.pk, text), label, f"{unit.name}的工作人员", errors)
        for header, other in extras(values, key):
            if person is not None and other and staff.get((unit.pk, other)) is not person:
                errors.add(header, f"“{other}”与同一行的“{text}”不是同一个人")
        return person

    def required(self, values: dict[str, str], errors: RowErrors) -> None:
        for column in self.columns:
            if column.required and not values.get(column.key, "").strip():
                errors.add(column.label, "不能为空")

    def length(self, values: dict[str, str], errors: RowErrors, **limits: int) -> None:
        labels = {c.key: c.label for c in self.columns}
        for key, limit in limits.items():
            if len(values.get(key, "")) > limit:
                errors.add(labels[key], f"过长（最多 {limit} 个字符）")
