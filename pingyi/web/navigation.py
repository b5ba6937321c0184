"""The navigation: each entry names the model whose visibility decides whether a role sees it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pingyi.accounts.scopes import can_view


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: Any
    url_name: str
    model_path: str  # "app_label.ModelName" whose visibility gates the entry


NAV = [
    NavEntry("halls", _("大厅"), "catalog:hall_list", "catalog.Hall"),
    NavEntry("units", _("单位"), "catalog:unit_list", "catalog.Unit"),
    NavEntry("windows", _("窗口"), "catalog:window_list", "catalog.Window"),
    NavEntry("staff", _("工作人员"), "catalog:staff_list", "catalog.Staff"),
    NavEntry("shifts", _("排班"), "catalog:shift_list", "catalog.DutyShift"),
    NavEntry("items", _("事项"), "catalog:item_list", "catalog.ServiceItem"),
    NavEntry("imports", _("导入"), "imports:job_list", "imports.ImportJob"),
    NavEntry("audit", _("审计日志"), "audit:entry_list", "audit.AuditEntry"),
]


def nav_for(user: Any) -> list[dict[str, Any]]:
    from django.apps import apps

    entries = []
    for entry in NAV:
        if can_view(user, apps.get_model(entry.model_path)):
            entries.append({"key": entry.key, "label": entry.label, "url": reverse(entry.url_name)})
    return entries
