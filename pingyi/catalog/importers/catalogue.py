"""Import kinds of the catalogue's units, windows, staff and service items (see docs/imports.md)."""

from __future__ import annotations

from typing import Any

from pingyi.catalog.hours import HoursError, parse_hours
from pingyi.catalog.importers.common import (
    CatalogKind,
    by_code_and_name,
    flag,
    unit_column,
    units_by_reference,
)
from pingyi.catalog.models import Hall, ServiceItem, Staff, Unit, Window, WindowHours
from pingyi.imports.kinds import Column, RowErrors, register_kind
from pingyi.lib import crypto
from pingyi.lib.codes import is_valid_credit_code


@register_kind
class UnitImport(CatalogKind):
    key, label, model = "units", "单位", Unit
    columns = (
        Column("code", "单位编码", ("deptCode", "编码")),
        Column("name", "单位名称", ("名称", "deptName")),
        Column("credit_code", "统一社会信用代码", ("信用代码", "creditCode")),
        Column("hall", "所在大厅", ("大厅", "hallCode"), help="大厅编码或名称"),
        Column("active", "参评", ("是否参评",), required=False),
    )

    def prepare(self) -> None:
        super().prepare()
        self.halls = by_code_and_name(self.scoped(Hall).filter(district=self.district))
        self.existing = {u.code: u for u in Unit.objects.filter(district=self.district)}
        self.editable = set(self.scoped(Unit).values_list("pk", flat=True))
        self.credit_owner = dict(
            Unit.objects.filter(district=self.district).values_list("credit_code", "code")
        )

    def validate(self, row_no: int, values: dict[str, str]) -> Any:
        errors = RowErrors()
        self.required(values, errors)
        self.length(values, errors, code=32, name=100)
        code, credit = values["code"], values["credit_code"].upper()
        if code:
            self.once(("code", code), row_no, "单位编码", errors)
        if credit:
            if not is_valid_credit_code(credit):
                errors.add("统一社会信用代码", f"“{credit}”无效（应为18位且校验位正确）")
            else:
                self.once(("credit", credit), row_no, "统一社会信用代码", errors)
                owner = self.credit_owner.get(credit)
                if owner and owner != code:
                    errors.add("统一社会信用代码", f"已被单位“{owner}”使用")
        hall = self.lookup(self.halls, values["hall"], "所在大厅", "大厅", errors) if values["hall"] else None
        existing = self.existing.get(code)
        if existing is not None and existing.pk not in self.editable:
            errors.add("单位编码", f"单位“{code}”已存在且不在您的管理范围内")
        data = {"code": code, "name": values["name"], "credit_code": credit, "hall": hall}
        if values.get("active", "").strip():
            data["active"] = flag(values["active"], "参评", errors)
        if errors.problems:
            raise errors
        return (existing, data)

    def commit(self, prepared: list[Any]) -> tuple[int, int, dict[str, Any]]:
        created = updated = 0
        for existing, data in prepared:
            if existing is None:
                Unit.objects.create(district=self.district, **data)
                created += 1
            else:
                for name, value in data.items():
                    setattr(existing, name, value)
                existing.save()
                updated += 1
        return created, updated, {"codes": [d["code"] for _, d in prepared][:200]}


@register_kind
class WindowImport(CatalogKind):
    key, label, model = "windows", "窗口", Window
    columns = (
        Column("hall", "大厅", ("所在大厅", "hallCode"), help="大厅编码或名称"),
        Column("code", "窗口编号", ("编号", "windowCode")),
        Column("name", "窗口名称", ("名称", "windowName")),
        unit_column(),
        Column("hours", "办公时间", ("工作时间",), help="例如：周一至周五 08:30-12:00,14:00-17:30"),
    )

    def prepare(self) -> None:
        super().prepare()
        self.halls = by_code_and_name(self.scoped(Hall).filter(district=self.district))
        self.units = units_by_reference(self.scoped(Unit).filter(district=self.district))
        self.existing = {(w.hall_id, w.code): w for w in Window.objects.filter(hall__district=self.district)}
        self.editable = set(self.scoped(Window).values_list("pk", flat=True))

    def validate(self, row_no: int, values: dict[str, str]) -> Any:
        errors = RowErrors()
        self.required(values, errors)
        self.length(values, errors, code=32, name=100)
        hall = self.lookup(self.halls, values["hall"], "大厅", "大厅", errors) if values["hall"] else None
        unit = self.referenced_unit(values, self.units, errors)
        sessions = []
        if values["hours"]:
            try:
                sessions = parse_hours(values["hours"])
            except HoursError as exc:
                errors.add("办公时间", str(exc))
        existing = None
        if hall is not None and values["code"]:
            self.once((hall.pk, values["code"]), row_no, "窗口编号", errors)
            existing = self.existing.get((hall.pk, values["code"]))
            if existing is not None and existing.pk not in self.editable:
                errors.add("窗口编号", "该窗口已存在且不在您的管理范围内")
        if errors.problems:
            raise errors
        return (
            existing,
            {"hall": hall, "unit": unit, "code": values["code"], "name": values["name"]},
            sessions,
        )

    def commit(self, prepared: list[Any]) -> tuple[int, int, dict[str, Any]]:
        created = updated = 0
        hours: list[WindowHours] = []
        for existing, data, sessions in prepared:
            if existing is None:
                window = Window.objects.create(**data)
                created += 1
            else:
                window = existing
                for name, value in data.items():
                    setattr(window, name, value)
                window.save()
                window.hours.all().delete()
                updated += 1
            hours.extend(
                WindowHours(window=window, weekday=s.weekday, opens=s.opens, closes=s.closes)
                for s in sessions
            )
        WindowHours.objects.bulk_create(hours, batch_size=1000)
        return created, updated, {"codes": [d["code"] for _, d, _ in prepared][:200]}


@register_kind
class StaffImport(CatalogKind):
    key, label, model = "staff", "工作人员", Staff
    columns = (
        unit_column(),
        Column("employee_no", "工号", ("员工编号", "staffNo")),
        Column("name", "姓名", ("name",)),
        Column("phone", "电话", ("手机", "手机号", "联系电话", "phone"), required=False),
        Column("title", "职务", ("岗位",), required=False),
        Column("active", "在岗", ("是否在岗",), required=False),
    )

    def prepare(self) -> None:
        super().prepare()
        self.units = units_by_reference(self.scoped(Unit).filter(district=self.district))
        self.existing = {
            (s.unit_id, s.employee_no): s for s in Staff.objects.filter(unit__district=self.district)
        }

    def validate(self, row_no: int, values: dict[str, str]) -> Any:
        errors = RowErrors()
        self.required(values, errors)
        self.length(values, errors, employee_no=32, name=50, title=50)
        unit = self.referenced_unit(values, self.units, errors)
        phone = values.get("phone", "")
        if phone:
            try:
                phone = crypto.normalize_phone(phone)
            except ValueError:
                errors.add("电话", f"“{phone}”不是有效的电话号码")
        optional: dict[str, Any] = {}
        if values.get("title", ""):
            optional["title"] = values["title"]
        if values.get("active", "").strip():
            optional["active"] = flag(values["active"], "在岗", errors)
        if unit is not None and values["employee_no"]:
            self.once((unit.pk, values["employee_no"]), row_no, "工号", errors)
        if errors.problems:
            raise errors
        assert unit is not None  # the unit is required: a row without one has raised above
        existing = self.existing.get((unit.pk, values["employee_no"]))
        data = {"unit": unit, "employee_no": values["employee_no"], "name": values["name"], **optional}
        return (existing, data, phone)

    def commit(self, prepared: list[Any]) -> tuple[int, int, dict[str, Any]]:
        created = updated = 0
        for existing, data, phone in prepared:
            staff = existing or Staff()
            for name, value in data.items():
                setattr(staff, name, value)
            if phone or existing is None:
                staff.set_phone(phone)
            staff.save()
            created, updated = (created + 1, updated) if existing is None else (created, updated + 1)
        return created, updated, {"employee_nos": [d["employee_no"] for _, d, _ in prepared][:200]}


@register_kind
class ItemImport(CatalogKind):
    key, label, model = "items", "事项", ServiceItem
    columns = (
        Column("code", "事项编码", ("事项统一编码", "taskCode", "编码")),
        Column("name", "事项名称", ("名称", "taskName")),
        unit_column("实施主体"),
        Column(
            "windows", "办理窗口", ("窗口", "窗口编号"), required=False, help="窗口编号，多个用“、”或“,”分隔"
        ),
    )

    def prepare(self) -> None:
        super().prepare()
        self.units = units_by_reference(self.scoped(Unit).filter(district=self.district))
        self.windows: dict[tuple[int, str], Window] = {
            (w.unit_id, w.code): w for w in self.scoped(Window).filter(unit__district=self.district)
        }
        self.existing = {i.code: i for i in ServiceItem.objects.filter(district=self.district)}
        self.editable = set(self.scoped(ServiceItem).values_list("pk", flat=True))

    def validate(self, row_no: int, values: dict[str, str]) -> Any:
        errors = RowErrors()
        self.required(values, errors)
        self.length(values, errors, code=64, name=200)
        unit = self.referenced_unit(values, self.units, errors)
        windows: list[Window] | None = None  # None: keep an existing item's windows
        raw_windows = values.get("windows", "")
        if unit is not None and raw_windows:
            windows = []
            for code in [
                c.strip() for c in raw_windows.replace("、", ",").replace("，", ",").split(",") if c.strip()
            ]:
                window = self.windows.get((unit.pk, code))
                if window is None:
                    errors.add("办理窗口", f"单位“{unit.name}”没有编号为“{code}”的窗口")
                else:
                    windows.append(window)
        if values["code"]:
            self.once(values["code"], row_no, "事项编码", errors)
        existing = self.existing.get(values["code"])
        if existing is not None and existing.pk not in self.editable:
            errors.add("事项编码", "该事项已存在且不在您的管理范围内")
        if errors.problems:
            raise errors
        return (existing, {"code": values["code"], "name": values["name"], "unit": unit}, windows)

    def commit(self, prepared: list[Any]) -> tuple[int, int, dict[str, Any]]:
        created = updated = 0
        new_items = [
            ServiceItem(district=self.district, **data) for existing, data, _ in prepared if existing is None
        ]
        ServiceItem.objects.bulk_create(new_items, batch_size=1000)
        created = len(new_items)
        by_code = {item.code: item for item in ServiceItem.objects.filter(district=self.district)}
        links: list[Any] = []
        for existing, data, windows in prepared:
            item = by_code[data["code"]]
            if existing is not None:
                for name, value in data.items():
                    setattr(item, name, value)
                item.save()
                if windows is not None:
                    item.windows.clear()
                updated += 1
            links.extend(
                ServiceItem.windows.through(serviceitem_id=item.pk, window_id=w.pk) for w in windows or []
            )
        ServiceItem.windows.through.objects.bulk_create(links, batch_size=1000)
        return created, updated, {"codes": [d["code"] for _, d, _ in prepared][:200]}
