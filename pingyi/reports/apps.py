from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Monthly and yearly reports (Excel, PDF, the narrative draft) and streamed table exports."""

    name = "pingyi.reports"
    verbose_name = _("统计报告")
