from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "pingyi.audit"
    verbose_name = _("审计日志")

    def ready(self) -> None:
        from pingyi.accounts.scopes import ScopeRule, register
        from pingyi.audit.models import AuditEntry

        # Only inspectors (of the entry's district) and superusers read the log.
        register(AuditEntry, ScopeRule(district="district"))
