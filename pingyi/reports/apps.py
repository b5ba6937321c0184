from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Monthly and yearly reports (Excel, PDF, the narrative draft) and streamed table exports."""

    name = "pingyi.reports"
    verbose_name = _("统计报告")

    def ready(self) -> None:
        from pingyi.accounts.scopes import ScopeRule, register
        from pingyi.reports.models import Report

        # A district report (no unit) is the inspectors'; a unit's report reaches that unit's admin too. Hall
        # managers, staff and operators have none (see pingyi.reports.access).
        register(Report, ScopeRule(district="district", unit="unit"))
