from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    """Working days on the State Council's calendar: chinese-calendar plus the schedules inspectors enter."""

    name = "pingyi.workdays"
    verbose_name = _("工作日")

    def ready(self) -> None:
        from pingyi.accounts.models import Role
        from pingyi.accounts.scopes import ScopeRule, register
        from pingyi.workdays.models import CalendarGap, DayOverride, HolidayNotice

        # The national schedule is not district data: every inspector reads it and may enter a year.
        inspectors = frozenset({Role.INSPECTOR})
        for model in (HolidayNotice, DayOverride, CalendarGap):
            register(model, ScopeRule(district=None, inspector=True, editors=inspectors))
