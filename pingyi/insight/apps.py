from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightConfig(AppConfig):
    """Rollups of ratings and records, the measures read from them, dashboards and rankings."""

    name = "pingyi.insight"
    verbose_name = _("统计分析")

    def ready(self) -> None:
        from pingyi.accounts.scopes import ScopeRule, register
        from pingyi.insight.models import DayStaff

        # The dashboards read the cubes through metrics.Scope.for_user (district / hall / unit / staff); this rule
        # says which roles have a dashboard at all (operators do not), for the navigation.
        register(DayStaff, ScopeRule(district="district", hall="hall", unit="unit", staff="staff"))

        from pingyi.derived.choices import Source
        from pingyi.derived.registry import subscribe
        from pingyi.insight.cubes.rollups import SUBSCRIBER

        # Every change a writer names moves some cube (a revocation the verified rate, a moved window its hall).
        subscribe(SUBSCRIBER, sources=list(Source))
