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

        from django.db.models.signals import post_save, pre_save

        from pingyi.catalog.models import Window
        from pingyi.insight.signals import remember_hall, window_saved

        pre_save.connect(remember_hall, sender=Window, dispatch_uid="insight.window_hall_before")
        post_save.connect(window_saved, sender=Window, dispatch_uid="insight.window_hall_after")
