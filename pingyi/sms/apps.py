from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SmsConfig(AppConfig):
    name = "pingyi.sms"
    verbose_name = _("短信邀评")

    def ready(self) -> None:
        from pingyi.accounts.scopes import ScopeRule, register
        from pingyi.sms.models import Invitation, SmsMessage

        # Invitations are read by inspectors only; messages hold phones and are read by no page at all.
        register(Invitation, ScopeRule(district="record__district"))
        register(SmsMessage, ScopeRule(district=None, inspector=False))
