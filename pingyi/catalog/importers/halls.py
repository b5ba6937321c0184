"""Import kind of halls and sub-centres (大厅、便民服务中心): a sub-centre names its parent hall by code or name."""

from __future__ import annotations

from typing import Any

from pingyi.catalog.importers.common import AMBIGUOUS, CatalogKind, by_code_and_name
from pingyi.catalog.models import Hall
from pingyi.imports.kinds import Column, RowErrors, register_kind


@register_kind
class HallImport(CatalogKind):
    key, label, model = "halls", "大厅", Hall
    columns = (
        Column("code", "大厅编码", ("编码", "hallCode", "中心编码")),
        Column("name", "大厅名称", ("名称", "hallName", "中心名称")),
        Column(
            "parent",
            "上级大厅",
            ("上级", "所属大厅", "parentCode"),
            required=False,
            help="便民服务中心填上级大厅的编码或名称（上级须已存在或在文件中更早的行）；区级大厅留空",
        ),
        Column("address", "地址", ("详细地址",), required=False),
    )

    def prepare(self) -> None:
        super().prepare()
        self.halls: dict[str, Any] = by_code_and_name(Hall.objects.filter(district=self.district))
        self.existing = {h.code: h for h in Hall.objects.filter(district=self.district)}
        self.earlier: dict[str, Any] = {}  # a code or name given on an earlier row → that row's code

    def validate(self, row_no: int, values: dict[str, str]) -> Any:
        errors = RowErrors()
        self.required(values, errors)
        self.length(values, errors, code=32, name=100, address=200)
        code, name = values["code"], values["name"]
        if code:
            self.once(code, row_no, "大厅编码", errors)
        parent_text = values.get("parent", "").strip()
        parent: Any = None  # a stored hall, or the code of an earlier row
        if parent_text:
            if parent_text in self.earlier:
                parent = self.earlier[parent_text]
                if parent is AMBIGUOUS:
                    errors.add("上级大厅", f"文件中有多个大厅叫“{parent_text}”，请填写编码")
                    parent = None
            else:
                parent = self.lookup(self.halls, parent_text, "上级大厅", "大厅", errors)
            if parent_text in {code, name} or (isinstance(parent, Hall) and parent.code == code):
                errors.add("上级大厅", "大厅不能以自己为上级")
        if errors.problems:
            raise errors
        self.earlier[code] = code
        self.earlier[name] = AMBIGUOUS if name in self.earlier else code
        data: dict[str, Any] = {"code": code, "name": name}
        if values.get("address", "").strip():
            data["address"] = values["address"]
        return (self.existing.get(code), data, parent, parent_text != "")

    def commit(self, prepared: list[Any]) -> tuple[int, int, dict[str, Any]]:
        created = updated = 0
        by_code: dict[str, Hall] = {}
        for existing, data, parent, has_parent in prepared:
            hall = existing or Hall(district=self.district)
            for name, value in data.items():
                setattr(hall, name, value)
            if has_parent:
                hall.parent = by_code[parent] if isinstance(parent, str) else parent
            hall.full_clean()
            hall.save()
            by_code[hall.code] = hall
            created, updated = (created + 1, updated) if existing is None else (created, updated + 1)
        return created, updated, {"codes": [d["code"] for _, d, _, _ in prepared][:200]}
