from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "pingyi.catalog"
    verbose_name = _("组织目录")

    def ready(self) -> None:
        from django.db.models.signals import post_save, pre_save

        from pingyi.catalog import (
            importers,  # noqa: F401  (registers the import kinds)
            scopes,  # noqa: F401  (registers the scope rules)
        )
        from pingyi.catalog.models import Window
        from pingyi.catalog.signals import remember_hall, window_saved

        pre_save.connect(remember_hall, sender=Window, dispatch_uid="catalog.window_hall_before")
        post_save.connect(window_saved, sender=Window, dispatch_uid="catalog.window_hall_after")
