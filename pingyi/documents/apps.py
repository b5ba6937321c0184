"""The documents app: the DocumentTemplate scope rule (the kinds are registered by the apps that own them)."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """Document templates, the kinds registry and rendering (Word via docxtpl, PDF via WeasyPrint)."""

    name = "pingyi.documents"
    verbose_name = _("文书")

    def ready(self) -> None:
        from pingyi.accounts.models import Role
        from pingyi.accounts.scopes import ScopeRule, register
        from pingyi.documents.models import DocumentTemplate

        # The district's inspectors read and replace its templates; nobody else sees them.
        register(DocumentTemplate, ScopeRule(district="district", editors=frozenset({Role.INSPECTOR})))
