from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DerivedConfig(AppConfig):
    """The change feed: "(district, day) changed" rows, one cursor per subscriber (docs/decisions/0026)."""

    name = "pingyi.derived"
    verbose_name = _("派生数据")
