from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    """通报曝光: bulletins, the public pages and the hall's big screen."""

    name = "pingyi.disclosure"
    verbose_name = _("通报公开")
