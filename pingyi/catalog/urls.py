from __future__ import annotations

from typing import Any

from django.urls import path

from pingyi.catalog import views

app_name = "catalog"


def _crud(prefix: str, name: str, list_view: Any, detail_view: Any, edit_view: Any) -> list:
    return [
        path(f"{prefix}/", list_view.as_view(), name=f"{name}_list"),
        path(f"{prefix}/new/", edit_view.as_view(), name=f"{name}_create"),
        path(f"{prefix}/<int:pk>/", detail_view.as_view(), name=f"{name}_detail"),
        path(f"{prefix}/<int:pk>/edit/", edit_view.as_view(), name=f"{name}_edit"),
    ]


urlpatterns = [
    *_crud("halls", "hall", views.HallList, views.HallDetail, views.HallEdit),
    *_crud("units", "unit", views.UnitList, views.UnitDetail, views.UnitEdit),
    *_crud("windows", "window", views.WindowList, views.WindowDetail, views.WindowEdit),
    *_crud("staff", "staff", views.StaffList, views.StaffDetail, views.StaffEdit),
    *_crud("shifts", "shift", views.ShiftList, views.ShiftDetail, views.ShiftEdit),
    *_crud("items", "item", views.ItemList, views.ItemDetail, views.ItemEdit),
    path("staff/<int:pk>/phone/", views.staff_phone, name="staff_phone"),
]
