from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    """通报曝光: bulletins, the public pages and the hall's big screen."""

    name = "pingyi.disclosure"
    verbose_name = _("通报公开")

    def ready(self) -> None:
        from pingyi.accounts.models import Role
        from pingyi.accounts.scopes import ScopeRule, register
        from pingyi.disclosure.models import Bulletin

        # Drafts are the district inspectors' alone; the public reads published bulletins through
        # ``selectors.published_bulletins``, never through a user's scope.
        register(Bulletin, ScopeRule(district="district", editors=frozenset({Role.INSPECTOR})))
