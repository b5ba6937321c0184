from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightConfig(AppConfig):
    """Rollups of ratings and records, the measures read from them, dashboards and rankings."""

    name = "pingyi.insight"
    verbose_name = _("统计分析")
