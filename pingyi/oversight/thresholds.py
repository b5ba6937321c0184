"""Thresholds of the comparison engine. Each is a setting; docs/oversight.md explains every one.

Values come from, in order: ``settings.PINGYI_OVERSIGHT[name]``, the environment variable
``PINGYI_OVERSIGHT_<NAME>`` (upper case), the default below.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields

from django.conf import settings


@dataclass(frozen=True)
class Thresholds:
    # History and peers
    history_months: int = 3  # months before a period that form a unit's own baseline
    peer_min_units: int = 3  # a hall with fewer comparable units is judged against the district instead
    # under_reporting
    under_min_signals: int = 10  # QR/hotline ratings not tied to a record, per unit and month, before judging
    under_ratio: float = 0.5  # records below this share of the expected number fire
    under_min_missing: int = 10  # and at least this many records missing
    # selective_reporting
    selective_min_sample: int = 30  # record-linked and QR ratings each, per unit and month
    selective_gap: float = 0.10  # top-level share of record-linked ratings above QR's by this much …
    selective_z: float = 3.0  # … and significant at this z (two-proportion test)
    concentration_min_phones: int = (
        50  # records with a phone, per unit and month, before judging concentration
    )
    concentration_share: float = 0.20  # top 5 phones carrying this share of them fire
    # false_reporting
    staff_phone_records: int = 3  # records carrying a staff phone of the district
    phone_many_records: int = 10  # one phone on this many records of one unit in a month
    phone_many_units: int = 4  # one phone on records of this many units in a month …
    phone_many_share: float = (
        0.05  # … such phones carrying this share of the unit's records (and ≥ phone_many_records)
    )
    outside_hours_records: int = 5  # records received outside the window's hours (± grace) …
    outside_hours_share: float = 0.10  # … and this share of the unit's records
    outside_hours_grace_minutes: int = 30
    burst_records: int = 15  # records at one window within 10 minutes
    # rating_fraud
    fraud_staff_ratings: int = 3  # ratings from staff phones or staff devices
    fraud_burst_flags: int = 3  # ratings flagged "burst" at intake
    fraud_device_ratings: int = 8  # ratings from one citizen device fingerprint to one unit in a month …
    fraud_device_top_share: float = 0.9  # … nearly all at the top level
    # phone_swap
    phone_swap_ratings: int = (
        2  # record-linked ratings from a phone other than the record's, or a staff phone
    )
    # silent_window
    silent_days: int = 5  # consecutive working days with records and no QR scan …
    silent_min_expected: float = (
        8.0  # … during which the district's scan rate expected at least this many scans
    )
    zero_negative_expected: float = 5.0  # no 差评 where the district's rate expected this many
    level_stopped_expected: float = 5.0  # a level at 0 where the unit's history expected this many …
    level_stopped_min_history: int = 200  # … from at least this many ratings in the history months
    # late_entry
    late_entry_lag_hours: int = 24  # a record entered this long after service …
    late_entry_lookback_days: int = 3  # … served up to this many days before a complaint, entered after it
    late_entry_records: int = 1
    # Reopening a dismissed anomaly
    reopen_growth: float = 0.5  # the evidence count grew by half since the dismissal


def thresholds() -> Thresholds:
    configured = getattr(settings, "PINGYI_OVERSIGHT", {}) or {}
    values: dict[str, int | float] = {}
    for field in fields(Thresholds):
        raw = configured.get(field.name, os.environ.get(f"PINGYI_OVERSIGHT_{field.name.upper()}"))
        if raw not in (None, ""):
            values[field.name] = float(raw) if field.type == "float" else int(raw)
    return Thresholds(**values)  # type: ignore[arg-type]
