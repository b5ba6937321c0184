"""The feed's two tables: what writers said changed, and how far each subscriber has read.

Plain integer columns, no foreign keys: the feed is bookkeeping about derived data, never edited by hand.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from pingyi.derived.choices import Source


class Change(models.Model):
    """A writer said: what this district counts on this local day may have changed."""

    id = models.BigAutoField(primary_key=True)
    district_id = models.BigIntegerField()
    day = models.DateField()
    source = models.CharField(max_length=16, choices=Source.choices)
    added_only = models.BooleanField(default=False)  # rows were only added (none edited or removed)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "derived_change"
        verbose_name = _("数据变更")
        indexes = [models.Index(fields=["district_id", "id"], name="derived_change_district")]

    def __str__(self) -> str:
        return f"{self.district_id} {self.day} ({self.source})"


class Cursor(models.Model):
    """How far one subscriber (of one district, or of every district: 0) has read the feed and the raw tables.

    Positions are ids: every change, rating and record with a smaller or equal id was seen. ``looks`` are recent
    [time, max change id, max rating id, max record id] not usable yet (PostgreSQL: a transaction older than the
    look was still open). ``taken_at`` is None until the subscriber first took changes."""

    subscriber = models.CharField(max_length=64)
    district_id = models.BigIntegerField(default=0)
    change_id = models.BigIntegerField(default=0)
    rating_id = models.BigIntegerField(default=0)
    record_id = models.BigIntegerField(default=0)
    looks = models.JSONField(default=list)
    taken_at = models.DateTimeField(null=True)

    class Meta:
        db_table = "derived_cursor"
        verbose_name = _("派生数据读取位置")
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "district_id"], name="derived_cursor_unique")
        ]

    def __str__(self) -> str:
        return f"{self.subscriber}/{self.district_id} @ {self.change_id}"
