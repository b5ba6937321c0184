from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "pingyi.accounts"
    verbose_name = _("账户与权限")

    def ready(self) -> None:
        from pingyi.accounts import importers  # noqa: F401  (registers the users import kind)
        from pingyi.accounts.models import User
        from pingyi.accounts.scopes import ScopeRule, register

        # Accounts are managed by superusers only.
        register(User, ScopeRule(district="district", inspector=False))
