"""The navigation: each entry names the model whose visibility decides whether a role sees it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pingyi.accounts.models import Role
from pingyi.accounts.roles import Someone, has_role, is_superuser
from pingyi.accounts.scopes import can_view


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: Any
    url_name: str
    model_path: str  # "app_label.ModelName" whose visibility gates the entry
    only_roles: frozenset[str] = frozenset()  # when set, only these roles (and superusers) see the entry
    not_roles: frozenset[str] = frozenset()  # roles that reach the same data through another entry


_OPERATORS = frozenset({Role.OPERATOR})
_INSPECTORS = frozenset({Role.INSPECTOR})

NAV = [
    NavEntry("ratings", _("评价"), "ratings:rating_list", "ratings.Rating", not_roles=_OPERATORS),
    NavEntry("entry", _("热线录入"), "operator:rating_list", "ratings.Rating", only_roles=_OPERATORS),
    NavEntry("complaint", _("投诉登记"), "tickets:ticket_create", "ratings.Rating", only_roles=_OPERATORS),
    NavEntry("tickets", _("工单"), "tickets:ticket_list", "tickets.Ticket"),
    NavEntry("ledger", _("台账"), "ledger:record_list", "ledger.ServiceRecord"),
    NavEntry(
        "oversight", _("数据比对"), "oversight:anomaly_list", "oversight.Anomaly", only_roles=_INSPECTORS
    ),
    NavEntry("alerts", _("预警"), "alerts:alert_list", "alerts.Alert"),
    NavEntry("inspections", _("监督检查"), "inspections:inspection_list", "inspections.Inspection"),
    NavEntry(
        "accountability", _("问责"), "accountability:accountability", "accountability.AccountabilityRecord"
    ),
    NavEntry("bulletins", _("通报"), "disclosure:manage_list", "disclosure.Bulletin"),
    NavEntry("insight", _("统计分析"), "insight:dashboard", "insight.DayStaff"),
    NavEntry("causes", _("原因分析"), "causes:causes", "ratings.Rating", not_roles=_OPERATORS),
    NavEntry("reports", _("统计报告"), "reports:report_list", "reports.Report"),
    NavEntry("halls", _("大厅"), "catalog:hall_list", "catalog.Hall"),
    NavEntry("units", _("单位"), "catalog:unit_list", "catalog.Unit"),
    NavEntry("windows", _("窗口"), "catalog:window_list", "catalog.Window"),
    NavEntry("staff", _("工作人员"), "catalog:staff_list", "catalog.Staff"),
    NavEntry("shifts", _("排班"), "catalog:shift_list", "catalog.DutyShift"),
    NavEntry("items", _("事项"), "catalog:item_list", "catalog.ServiceItem"),
    # "二维码" alone is also a rating channel (QR code); the menu entry means the posters.
    NavEntry("posters", pgettext_lazy("navigation", "二维码"), "posters:poster_list", "ratings.QrPoster"),
    NavEntry("devices", _("评价器"), "operator:device_list", "ratings.Device"),
    NavEntry("imports", _("导入"), "imports:job_list", "imports.ImportJob"),
    NavEntry("workdays", _("工作日"), "workdays:calendar", "workdays.HolidayNotice"),
    NavEntry("audit", _("审计日志"), "audit:entry_list", "audit.AuditEntry"),
    NavEntry("users", _("账户"), "user_list", "accounts.User"),
]


def _shown(entry: NavEntry, user: Someone) -> bool:
    if entry.only_roles and not is_superuser(user) and not has_role(user, entry.only_roles):
        return False
    if has_role(user, entry.not_roles):
        return False
    return can_view(user, apps.get_model(entry.model_path))


def nav_for(user: Someone) -> list[dict[str, Any]]:
    return [
        {"key": entry.key, "label": entry.label, "url": reverse(entry.url_name)}
        for entry in NAV
        if _shown(entry, user)
    ]
