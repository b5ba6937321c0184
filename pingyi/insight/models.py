"""Rollups: ratings and service records counted per local day, at a few grains ("cubes").

Each cube is a table of counts keyed by the day and a set of dimensions. A query reads the smallest cube that has
every dimension it filters or groups by (see ``cubes.py``). The cubes are derived data: ``rollups.py`` recomputes
one (district, day) at a time from the raw rows, so a cube row always equals a recount, and ``pingyi rollups
rebuild`` recomputes any range from scratch.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


def _fk(model: str, *, null: bool = False) -> models.ForeignKey:
    return models.ForeignKey(
        model, on_delete=models.DO_NOTHING, db_constraint=False, null=null, related_name="+", db_index=False
    )


class RatingCube(models.Model):
    """Counts of ratings per day and the rating's own dimensions; subclasses add the place dimensions."""

    id = models.BigAutoField(primary_key=True)
    district = _fk("catalog.District")
    day = models.DateField()
    channel = models.CharField(max_length=20)
    level5 = models.PositiveSmallIntegerField()
    is_default = models.BooleanField()
    negative = models.BooleanField()
    n = models.PositiveIntegerField()
    revoked = models.PositiveIntegerField()  # 差评 whose ticket was revoked after appeal

    class Meta:
        abstract = True


class RatingDayDistrict(RatingCube):
    class Meta:
        verbose_name = _("评价日汇总（区）")
        indexes = [models.Index(fields=["district", "day"], name="rdd_district_day")]

    def __str__(self) -> str:
        return f"{self.day} n={self.n}"


class RatingDayUnit(RatingCube):
    hall = _fk("catalog.Hall", null=True)  # the hall of the window (a unit may serve in several halls)
    unit = _fk("catalog.Unit")

    class Meta:
        verbose_name = _("评价日汇总（单位）")
        indexes = [
            models.Index(fields=["district", "day"], name="rdu_district_day"),
            models.Index(fields=["unit", "day"], name="rdu_unit_day"),
            models.Index(fields=["hall", "day"], name="rdu_hall_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} n={self.n}"


class RatingMonthUnit(RatingCube):
    """RatingDayUnit summed per month (``day`` is the first of the month): long periods read whole months here."""

    hall = _fk("catalog.Hall", null=True)
    unit = _fk("catalog.Unit")

    class Meta:
        verbose_name = _("评价月汇总（单位）")
        indexes = [
            models.Index(fields=["district", "day"], name="rmu_district_day"),
            models.Index(fields=["unit", "day"], name="rmu_unit_day"),
            models.Index(fields=["hall", "day"], name="rmu_hall_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m} n={self.n}"


class RatingDayWindow(RatingCube):
    hall = _fk("catalog.Hall", null=True)
    unit = _fk("catalog.Unit")
    window = _fk("catalog.Window", null=True)
    staff = _fk("catalog.Staff", null=True)

    class Meta:
        verbose_name = _("评价日汇总（窗口）")
        indexes = [
            models.Index(fields=["district", "day"], name="rdw_district_day"),
            models.Index(fields=["unit", "day"], name="rdw_unit_day"),
            models.Index(fields=["hall", "day"], name="rdw_hall_day"),
            models.Index(fields=["window", "day"], name="rdw_window_day"),
            models.Index(fields=["staff", "day"], name="rdw_staff_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} n={self.n}"


class RatingDayItem(RatingCube):
    """The finest cube: every dimension, read only when a query names a service item."""

    hall = _fk("catalog.Hall", null=True)
    unit = _fk("catalog.Unit")
    window = _fk("catalog.Window", null=True)
    staff = _fk("catalog.Staff", null=True)
    item = _fk("catalog.ServiceItem", null=True)

    class Meta:
        verbose_name = _("评价日汇总（事项）")
        indexes = [
            models.Index(fields=["district", "day"], name="rdi_district_day"),
            models.Index(fields=["unit", "day"], name="rdi_unit_day"),
            models.Index(fields=["item", "day"], name="rdi_item_day"),
            models.Index(fields=["hall", "day"], name="rdi_hall_day"),
            models.Index(fields=["window", "day"], name="rdi_window_day"),
            models.Index(fields=["staff", "day"], name="rdi_staff_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} n={self.n}"


class HourCube(models.Model):
    """Active ratings per local hour of a day, for the hour-of-week heatmap."""

    id = models.BigAutoField(primary_key=True)
    district = _fk("catalog.District")
    day = models.DateField()
    hour = models.PositiveSmallIntegerField()
    n = models.PositiveIntegerField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.day} {self.hour}:00 n={self.n}"


class HourDistrict(HourCube):
    class Meta:
        verbose_name = _("评价时段汇总（区）")
        indexes = [models.Index(fields=["district", "day"], name="hd_district_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.hour}:00 n={self.n}"


class HourUnit(HourCube):
    hall = _fk("catalog.Hall", null=True)
    unit = _fk("catalog.Unit")

    class Meta:
        verbose_name = _("评价时段汇总（单位）")
        indexes = [
            models.Index(fields=["unit", "day"], name="hu_unit_day"),
            models.Index(fields=["hall", "day"], name="hu_hall_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.hour}:00 n={self.n}"


class HourWindow(HourCube):
    hall = _fk("catalog.Hall", null=True)
    unit = _fk("catalog.Unit")
    window = _fk("catalog.Window", null=True)
    staff = _fk("catalog.Staff", null=True)

    class Meta:
        verbose_name = _("评价时段汇总（窗口）")
        indexes = [
            models.Index(fields=["window", "day"], name="hw_window_day"),
            models.Index(fields=["staff", "day"], name="hw_staff_day"),
            models.Index(fields=["unit", "day"], name="hw_unit_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.hour}:00 n={self.n}"


class RecordCube(models.Model):
    id = models.BigAutoField(primary_key=True)
    district = _fk("catalog.District")
    day = models.DateField()
    n = models.PositiveIntegerField()

    class Meta:
        abstract = True


class RecordDayUnit(RecordCube):
    hall = _fk("catalog.Hall", null=True)
    unit = _fk("catalog.Unit")

    class Meta:
        verbose_name = _("办件日汇总（单位）")
        indexes = [
            models.Index(fields=["district", "day"], name="cdu_district_day"),
            models.Index(fields=["unit", "day"], name="cdu_unit_day"),
            models.Index(fields=["hall", "day"], name="cdu_hall_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} n={self.n}"


class RecordMonthUnit(RecordCube):
    """RecordDayUnit summed per month (``day`` is the first of the month)."""

    hall = _fk("catalog.Hall", null=True)
    unit = _fk("catalog.Unit")

    class Meta:
        verbose_name = _("办件月汇总（单位）")
        indexes = [
            models.Index(fields=["district", "day"], name="cmu_district_day"),
            models.Index(fields=["unit", "day"], name="cmu_unit_day"),
            models.Index(fields=["hall", "day"], name="cmu_hall_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m} n={self.n}"


class RecordDayItem(RecordCube):
    """Service records per day at every place dimension and the item."""

    hall = _fk("catalog.Hall", null=True)
    unit = _fk("catalog.Unit")
    window = _fk("catalog.Window", null=True)
    staff = _fk("catalog.Staff", null=True)
    item = _fk("catalog.ServiceItem", null=True)

    class Meta:
        verbose_name = _("办件日汇总（事项）")
        indexes = [
            models.Index(fields=["district", "day"], name="cdi_district_day"),
            models.Index(fields=["unit", "day"], name="cdi_unit_day"),
            models.Index(fields=["window", "day"], name="cdi_window_day"),
            models.Index(fields=["staff", "day"], name="cdi_staff_day"),
            models.Index(fields=["hall", "day"], name="cdi_hall_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} n={self.n}"


class DirtyDay(models.Model):
    """A (district, local day) whose raw rows changed since its cubes were computed."""

    district = _fk("catalog.District")
    day = models.DateField()
    marked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("待重算日")
        constraints = [models.UniqueConstraint(fields=["district", "day"], name="dirty_day_unique")]

    def __str__(self) -> str:
        return f"{self.district_id} {self.day}"


class RollupState(models.Model):
    """One row: how far the refresh has looked at newly received ratings and records."""

    watermark = models.DateTimeField(null=True)
    refreshed_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("汇总状态")

    def __str__(self) -> str:
        return f"rollups up to {self.watermark}"
