from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    name = "pingyi.ratings"
    verbose_name = _("评价")

    def ready(self) -> None:
        from pingyi.audit import seals as seal_checks
        from pingyi.ratings import scopes  # noqa: F401  (registers the scope rules)
        from pingyi.ratings.seals.verifier import seals_verdict

        seal_checks.register("ratings.seals", seals_verdict)
