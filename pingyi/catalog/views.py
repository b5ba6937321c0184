"""Back-office pages of the catalogue: thin declarations over the generic scoped views."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from pingyi.accounts.roles import Someone, signed_in
from pingyi.accounts.scopes import restrict
from pingyi.catalog import forms
from pingyi.catalog.hours import format_hours
from pingyi.catalog.models import DutyShift, Hall, ServiceItem, Staff, Unit, Window
from pingyi.catalog.services import staff_phone_reveal
from pingyi.web.generic import Col, Filter, ObjectDetailView, ObjectEditView, ObjectListView


def _units(user: Someone) -> Any:
    return Unit.objects.all()


def _halls(user: Someone) -> Any:
    return Hall.objects.all()


def _rows(user: Someone, queryset: Any, cells: list) -> list:
    return [(obj, [cell(obj) for cell in cells]) for obj in restrict(queryset, user)[:200]]


# Halls
class HallList(ObjectListView):
    model, url_prefix = Hall, "catalog:hall"
    columns = [
        Col(_("编码"), lambda o: o.code, link=True),
        Col(_("名称"), lambda o: o.name),
        Col(_("上级大厅"), lambda o: o.parent or "—"),
        Col(_("地址"), lambda o: o.address),
    ]
    search_fields = ["code", "name", "address"]

    def base_queryset(self) -> Any:
        return Hall.objects.select_related("parent")


class HallDetail(ObjectDetailView):
    model, url_prefix = Hall, "catalog:hall"

    def related(self, obj: Any) -> list:
        user = self.request.user
        return [
            {
                "title": _("下属便民服务中心"),
                "url_prefix": "catalog:hall",
                "headers": [_("编码"), _("名称")],
                "rows": _rows(user, obj.children.all(), [lambda o: o.code, lambda o: o.name]),
            },
            {
                "title": _("窗口"),
                "url_prefix": "catalog:window",
                "headers": [_("编号"), _("名称"), _("单位")],
                "rows": _rows(
                    user,
                    obj.windows.select_related("unit"),
                    [lambda o: o.code, lambda o: o.name, lambda o: o.unit],
                ),
            },
        ]


class HallEdit(ObjectEditView):
    model, url_prefix, form_class = Hall, "catalog:hall", forms.HallForm


# Units
class UnitList(ObjectListView):
    model, url_prefix = Unit, "catalog:unit"
    columns = [
        Col(_("单位编码"), lambda o: o.code, link=True),
        Col(_("单位名称"), lambda o: o.name),
        Col(_("统一社会信用代码"), lambda o: o.credit_code),
        Col(_("所在大厅"), lambda o: o.hall),
        Col(_("参评中"), lambda o: _("是") if o.active else _("否")),
    ]
    search_fields = ["code", "name", "credit_code"]
    filters = [Filter("hall", _("大厅"), "hall_id", _halls)]

    def base_queryset(self) -> Any:
        return Unit.objects.select_related("hall")


class UnitDetail(ObjectDetailView):
    model, url_prefix = Unit, "catalog:unit"

    def related(self, obj: Any) -> list:
        user = self.request.user
        return [
            {
                "title": _("窗口"),
                "url_prefix": "catalog:window",
                "headers": [_("编号"), _("名称"), _("大厅")],
                "rows": _rows(
                    user,
                    obj.windows.select_related("hall"),
                    [lambda o: o.code, lambda o: o.name, lambda o: o.hall],
                ),
            },
            {
                "title": _("工作人员"),
                "url_prefix": "catalog:staff",
                "headers": [_("工号"), _("姓名"), _("电话")],
                "rows": _rows(
                    user,
                    obj.staff.all(),
                    [lambda o: o.employee_no, lambda o: o.name, lambda o: o.phone_masked],
                ),
            },
            {
                "title": _("事项（前200项）"),
                "url_prefix": "catalog:item",
                "headers": [_("事项编码"), _("事项名称")],
                "rows": _rows(user, obj.items.all(), [lambda o: o.code, lambda o: o.name]),
            },
        ]


class UnitEdit(ObjectEditView):
    model, url_prefix, form_class = Unit, "catalog:unit", forms.UnitForm


# Windows
class WindowList(ObjectListView):
    model, url_prefix = Window, "catalog:window"
    columns = [
        Col(_("窗口编号"), lambda o: o.code, link=True),
        Col(_("窗口名称"), lambda o: o.name),
        Col(_("单位"), lambda o: o.unit),
        Col(_("大厅"), lambda o: o.hall),
        Col(_("办公时间"), lambda o: format_hours(list(o.hours.all()))),
    ]
    search_fields = ["code", "name", "unit__name"]
    filters = [Filter("hall", _("大厅"), "hall_id", _halls), Filter("unit", _("单位"), "unit_id", _units)]

    def base_queryset(self) -> Any:
        return Window.objects.select_related("unit", "hall").prefetch_related("hours")


class WindowDetail(ObjectDetailView):
    model, url_prefix = Window, "catalog:window"

    def fields(self, obj: Any) -> list:
        return [*super().fields(obj), (_("办公时间"), format_hours(list(obj.hours.all())) or "—")]

    def related(self, obj: Any) -> list:
        user = self.request.user
        return [
            {
                "title": _("最近排班"),
                "url_prefix": "catalog:shift",
                "headers": [_("工作人员"), _("上岗"), _("离岗")],
                "rows": _rows(
                    user,
                    obj.shifts.select_related("staff"),
                    [lambda o: o.staff, lambda o: o.starts_at, lambda o: o.ends_at],
                ),
            },
        ]


class WindowEdit(ObjectEditView):
    model, url_prefix, form_class = Window, "catalog:window", forms.WindowForm


# Staff
class StaffList(ObjectListView):
    model, url_prefix = Staff, "catalog:staff"
    columns = [
        Col(_("工号"), lambda o: o.employee_no, link=True),
        Col(_("姓名"), lambda o: o.name),
        Col(_("单位"), lambda o: o.unit),
        Col(_("职务"), lambda o: o.title),
        Col(_("电话"), lambda o: o.phone_masked or "—"),
    ]
    search_fields = ["employee_no", "name"]
    filters = [Filter("unit", _("单位"), "unit_id", _units)]

    def base_queryset(self) -> Any:
        return Staff.objects.select_related("unit")


class StaffDetail(ObjectDetailView):
    model, url_prefix = Staff, "catalog:staff"
    template_name = "catalog/staff_detail.html"

    def fields(self, obj: Any) -> list:
        return [*super().fields(obj), (_("电话"), obj.phone_masked or "—")]


class StaffEdit(ObjectEditView):
    model, url_prefix, form_class = Staff, "catalog:staff", forms.StaffForm


@login_required
@require_POST
def staff_phone(request: HttpRequest, pk: int) -> HttpResponse:
    """Reveal one full phone to an editor in scope; the read is written to the audit log."""
    try:
        phone = staff_phone_reveal(
            actor=signed_in(request), staff_id=pk, reason=request.POST.get("reason", "")
        )
    except PermissionDenied:
        return JsonResponse({"error": "not_found"}, status=404)
    return HttpResponse(phone, content_type="text/plain; charset=utf-8")


# Duty roster
class ShiftList(ObjectListView):
    model, url_prefix = DutyShift, "catalog:shift"
    columns = [
        Col(_("上岗时间"), lambda o: o.starts_at, link=True),
        Col(_("离岗时间"), lambda o: o.ends_at),
        Col(_("窗口"), lambda o: o.window),
        Col(_("工作人员"), lambda o: o.staff),
    ]
    search_fields = ["staff__name", "window__code", "window__name"]
    filters = [Filter("window", _("窗口"), "window_id", lambda u: Window.objects.all())]

    def base_queryset(self) -> Any:
        return DutyShift.objects.select_related("window", "staff")


class ShiftDetail(ObjectDetailView):
    model, url_prefix = DutyShift, "catalog:shift"


class ShiftEdit(ObjectEditView):
    model, url_prefix, form_class = DutyShift, "catalog:shift", forms.DutyShiftForm


# Service items
class ItemList(ObjectListView):
    model, url_prefix = ServiceItem, "catalog:item"
    columns = [
        Col(_("事项编码"), lambda o: o.code, link=True),
        Col(_("事项名称"), lambda o: o.name),
        Col(_("单位"), lambda o: o.unit),
    ]
    search_fields = ["code", "name"]
    filters = [Filter("unit", _("单位"), "unit_id", _units)]

    def base_queryset(self) -> Any:
        return ServiceItem.objects.select_related("unit")


class ItemDetail(ObjectDetailView):
    model, url_prefix = ServiceItem, "catalog:item"

    def related(self, obj: Any) -> list:
        return [
            {
                "title": _("办理窗口"),
                "url_prefix": "catalog:window",
                "headers": [_("编号"), _("名称"), _("大厅")],
                "rows": _rows(
                    self.request.user,
                    obj.windows.select_related("hall"),
                    [lambda o: o.code, lambda o: o.name, lambda o: o.hall],
                ),
            }
        ]


class ItemEdit(ObjectEditView):
    model, url_prefix, form_class = ServiceItem, "catalog:item", forms.ServiceItemForm
