"""The comparison engine's facts, kept per district and local day (docs/decisions/0018).

Each per-day table holds, for every day a district has "covered" (``FactDay``), a recount of that day's raw rows;
``PhoneMonth`` and ``DeviceMonth`` are recounts of the raw rows over a month's covered days, limited to the keys seen
at least twice (the only ones a rule can fire on). Staff phones and devices are not in the
facts: whose phone is a staff phone is decided when comparing (the catalogue changes without new rows). Plain
integer columns, no foreign keys: the rows are derived and rebuilt, never edited.
"""

from __future__ import annotations

from django.db import models


class _Fact(models.Model):
    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self._meta.db_table} #{self.pk}"


class FactState(_Fact):
    """Per district: the settings the facts were counted with (how far they have read the raw rows is their cursor
    in the change feed, ``pingyi.derived``)."""

    district_id = models.BigIntegerField(primary_key=True)
    params = models.JSONField(default=dict)
    refreshed_at = models.DateTimeField(null=True)

    class Meta(_Fact.Meta):
        db_table = "oversight_factstate"


class FactDay(_Fact):
    """A covered (district, local day): every per-day table holds its recount."""

    district_id = models.BigIntegerField()
    day = models.DateField()
    weekday = models.SmallIntegerField()  # the weekday whose office hours applied (0 on a 调休 weekend day)

    class Meta(_Fact.Meta):
        db_table = "oversight_factday"
        constraints = [
            models.UniqueConstraint(fields=["district_id", "day"], name="oversight_factday_unique")
        ]


class RecDay(_Fact):
    district_id = models.BigIntegerField()
    unit_id = models.BigIntegerField()
    window_id = models.BigIntegerField(null=True)
    day = models.DateField()
    n = models.IntegerField()
    outside = models.IntegerField()
    entered_late = models.IntegerField()

    class Meta(_Fact.Meta):
        db_table = "oversight_recday"
        indexes = [models.Index(fields=["district_id", "day"], name="oversight_recday_day")]


class RatDay(_Fact):
    district_id = models.BigIntegerField()
    unit_id = models.BigIntegerField()
    window_id = models.BigIntegerField(null=True)
    day = models.DateField()
    active = models.IntegerField()
    qr = models.IntegerField()
    qr_top = models.IntegerField()
    unlinked = models.IntegerField()  # staff phones and devices not excluded yet (done when comparing)
    linked = models.IntegerField()
    linked_top = models.IntegerField()
    hotline = models.IntegerField()
    neg = models.IntegerField()
    l1 = models.IntegerField()
    l2 = models.IntegerField()
    l3 = models.IntegerField()
    l4 = models.IntegerField()
    l5 = models.IntegerField()
    burst_flag = models.IntegerField()
    swap_differs = models.IntegerField()  # record-linked ratings from a phone other than the record's

    class Meta(_Fact.Meta):
        db_table = "oversight_ratday"
        indexes = [models.Index(fields=["district_id", "day"], name="oversight_ratday_day")]


class PhoneMonth(_Fact):
    district_id = models.BigIntegerField()
    month = models.DateField()
    phone_index = models.CharField(max_length=64)
    unit_id = models.BigIntegerField()
    n = models.IntegerField()
    units = models.IntegerField()  # the units the phone is on that month

    class Meta(_Fact.Meta):
        db_table = "oversight_phonemonth"
        indexes = [
            models.Index(fields=["district_id", "month", "phone_index"], name="oversight_phonemonth_key")
        ]


class DeviceMonth(_Fact):
    district_id = models.BigIntegerField()
    month = models.DateField()
    device_fp = models.CharField(max_length=64)
    unit_id = models.BigIntegerField()
    n = models.IntegerField()
    top = models.IntegerField()

    class Meta(_Fact.Meta):
        db_table = "oversight_devicemonth"
        indexes = [
            models.Index(fields=["district_id", "month", "device_fp"], name="oversight_devicemonth_key")
        ]


class BurstDay(_Fact):
    """Ten minutes with at least ``burst_records`` records at one window."""

    district_id = models.BigIntegerField()
    day = models.DateField()
    unit_id = models.BigIntegerField()
    window_id = models.BigIntegerField()
    n = models.IntegerField()

    class Meta(_Fact.Meta):
        db_table = "oversight_burstday"
        indexes = [models.Index(fields=["district_id", "day"], name="oversight_burstday_day")]


class SilentDay(_Fact):
    """A window that served people on a day and got no QR scan (records; the silent-window rule reads these)."""

    district_id = models.BigIntegerField()
    day = models.DateField()
    unit_id = models.BigIntegerField()
    window_id = models.BigIntegerField()
    n = models.IntegerField()

    class Meta(_Fact.Meta):
        db_table = "oversight_silentday"
        indexes = [models.Index(fields=["district_id", "day"], name="oversight_silentday_day")]


class HoursSeen(_Fact):
    """The office hours the records' facts were counted with; a difference recounts that window's days."""

    district_id = models.BigIntegerField()
    window_id = models.BigIntegerField()
    weekday = models.SmallIntegerField()
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta(_Fact.Meta):
        db_table = "oversight_hoursseen"
        indexes = [models.Index(fields=["district_id", "window_id"], name="oversight_hoursseen_window")]
