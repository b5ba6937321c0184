from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "pingyi.catalog"
    verbose_name = _("组织目录")

    def ready(self) -> None:
        from pingyi.catalog import (
            importers,  # noqa: F401  (registers the import kinds)
            scopes,  # noqa: F401  (registers the scope rules)
        )
