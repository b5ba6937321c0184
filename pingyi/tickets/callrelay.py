"""Privacy calls (隐私号) for the return visit: the unit calls a virtual number that rings the citizen, so the unit
that was rated never learns the citizen's phone (issue 3: unit admins cannot learn an evaluator's phone).

A real deployment plugs in its carrier's 中间号 service (``PINGYI_CALL_RELAY_BACKEND``); the default backend cannot
ring anyone here, so it records every binding it would have made in ``PINGYI_HOME/call-relay.log`` and hands out a
number from a reserved test range.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Binding:
    virtual_number: str
    expires_at: datetime


class FileCallRelay:
    """Records what it would have bound; the number handed out rings nobody."""

    minutes = 30

    def bind(self, *, citizen_phone: str, caller_label: str, reference: str) -> Binding:
        number = "95013-" + "".join(secrets.choice("0123456789") for _ in range(6))
        binding = Binding(number, timezone.now() + timedelta(minutes=self.minutes))
        line = {
            "at": timezone.now().isoformat(),
            "virtual": number,
            "citizen": citizen_phone,
            "caller": caller_label,
            "reference": reference,
            "expires": binding.expires_at.isoformat(),
        }
        with open(settings.HOME / "call-relay.log", "a", encoding="utf-8") as log:
            log.write(json.dumps(line, ensure_ascii=False) + "\n")
        return binding


def relay() -> FileCallRelay:
    return import_string(settings.PINGYI_CALL_RELAY_BACKEND)()
