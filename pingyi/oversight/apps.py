from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    """The comparison engine: entered records against what citizens said; anomalies for the inspectors."""

    name = "pingyi.oversight"
    verbose_name = _("数据比对")

    def ready(self) -> None:
        from pingyi.accounts.scopes import ScopeRule, register
        from pingyi.oversight.models import Anomaly, ComparisonRun

        # Inspectors read their district. Unit admins, staff and hall managers see nothing: the anomalies are
        # about them (units are the inspected; hall managers run the windows and posters a finding may concern).
        register(Anomaly, ScopeRule(district="district", hall=None, unit=None, staff=None, operator=None))
        register(
            ComparisonRun, ScopeRule(district="district", hall=None, unit=None, staff=None, operator=None)
        )

        from pingyi.derived.choices import Source
        from pingyi.derived.registry import subscribe
        from pingyi.oversight.facts.store import SUBSCRIBER

        # The facts count ratings and records, one district per comparison; no revocation or hall reaches them.
        subscribe(SUBSCRIBER, sources=[Source.RATINGS, Source.LEDGER], per_district=True)
