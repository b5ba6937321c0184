from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "pingyi.imports"
    verbose_name = _("数据导入")

    def ready(self) -> None:
        from pingyi.accounts.scopes import ScopeRule, register
        from pingyi.imports.models import ImportJob

        # A job is visible to whoever started it; inspectors see all of their district's.
        register(
            ImportJob,
            ScopeRule(district="district", hall="actor__hall", unit="actor__unit", operator="actor"),
        )
