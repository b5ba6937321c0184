"""Which thresholds each alert kind reads, their defaults, and the other settings of the alerts app.

The defaults seed each district's rules (``services.rules_ensure_defaults``); inspectors then edit the rules on
the rules page. docs/alerts.md explains every value.

Settings outside the rules come from, in order: ``settings.PINGYI_ALERTS[name]``, the environment variable
``PINGYI_ALERT_<NAME>`` (upper case), the default below.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from django.conf import settings

from pingyi.alerts.models import AlertKind

# The threshold fields each kind reads, in the order the forms show them.
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    AlertKind.NEGATIVE_SHARE: ("percent", "hours", "min_ratings"),
    AlertKind.SILENT_WINDOW: ("working_days", "min_records"),
    AlertKind.STALLED_LEVEL: ("working_days", "history_working_days", "min_expected"),
    AlertKind.TICKET_DUE_SOON: ("hours",),
}
THRESHOLD_FIELDS = (
    "percent",
    "hours",
    "min_ratings",
    "working_days",
    "min_records",
    "history_working_days",
    "min_expected",
)

# A district's rule of each kind when nobody has edited it yet.
DEFAULTS: dict[str, dict[str, Any]] = {
    # ≥ 20 % 差评 among at least 10 active ratings of the last 72 hours (so at least two 差评).
    AlertKind.NEGATIVE_SHARE: {
        "percent": 20.0,
        "hours": 72,
        "min_ratings": 10,
        "notify_roles": ["inspector", "unit_admin"],
    },
    # A window that entered at least 10 records and got no rating since the start of the 3rd working day back.
    AlertKind.SILENT_WINDOW: {
        "working_days": 3,
        "min_records": 10,
        "notify_roles": ["inspector", "hall_manager", "unit_admin"],
    },
    # A level at 0 for 5 working days where the 40 working days before expected at least 5 of them.
    AlertKind.STALLED_LEVEL: {
        "working_days": 5,
        "history_working_days": 40,
        "min_expected": 5.0,
        "notify_roles": ["inspector"],
    },
    # An open ticket whose current deadline falls within 8 hours (16:00 on its last day). The unit's admins get
    # the tickets app's own reminder 24 hours before; this alert is for the inspectors.
    AlertKind.TICKET_DUE_SOON: {"hours": 8, "notify_roles": ["inspector"]},
}


@dataclass(frozen=True)
class AlertSettings:
    # Django e-mail backend for alert e-mails; the file backend writes each message under email_file_path.
    email_backend: str = "django.core.mail.backends.filebased.EmailBackend"
    email_file_path: str = ""  # default: PINGYI_HOME/mail
    email_from: str = "pingyi@localhost"
    email_max_attempts: int = 5  # an e-mail that failed this often stays failed
    # Minutes between evaluations of negative_share, silent_window and ticket_due_soon (stalled_level: daily).
    every_minutes: int = 15


def alert_settings() -> AlertSettings:
    configured = getattr(settings, "PINGYI_ALERTS", {}) or {}
    values: dict[str, Any] = {}
    for field in fields(AlertSettings):
        raw = configured.get(field.name, os.environ.get(f"PINGYI_ALERT_{field.name.upper()}"))
        if raw in (None, ""):
            continue
        values[field.name] = int(raw) if field.type == "int" else str(raw)
    result = AlertSettings(**values)
    if not result.email_file_path:
        result = AlertSettings(**{**result.__dict__, "email_file_path": str(Path(settings.HOME) / "mail")})
    return result
