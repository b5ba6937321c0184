"""Rollups: ratings and service records counted per local day (and per month) in a few wide "cubes".

A cube row is one place (district; unit; window and staff member with the window's hall; unit and service item) and
one day, holding every count the measures need for all channels together and for each channel (``cubes.columns``), so
any channel set, level, 差评 or revocation question reads one row per place and day. A query reads the smallest cube
holding the places it filters or groups by (``cubes.grains.pick``). The cubes are derived data: ``cubes.rollups`` recomputes
one (district, day) at a time from the raw rows, so a cube row always equals a recount, and ``pingyi rollups
rebuild`` recomputes any range from scratch.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from pingyi.insight.cubes import columns


def _fk(model: str, *, null: bool = False) -> models.ForeignKey:
    return models.ForeignKey(
        model, on_delete=models.DO_NOTHING, db_constraint=False, null=null, related_name="+", db_index=False
    )


class Cube(models.Model):
    """One district's counts of one day (``day``; the first of the month in the month cubes)."""

    id = models.BigAutoField(primary_key=True)
    district = _fk("catalog.District")
    day = models.DateField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.day} n={getattr(self, 'n', None) or 0}"


# The count columns, added to the abstract cubes before the cubes below copy them (NULL = zero, see cubes.columns).
for _name in ["records", *columns.rating_columns()]:
    Cube.add_to_class(_name, models.PositiveIntegerField(null=True))


class HourCube(Cube):
    """A day cube that also counts active ratings per local hour (``h0`` … ``h23``)."""

    class Meta:
        abstract = True


for _name in columns.HOURS:
    HourCube.add_to_class(_name, models.PositiveIntegerField(null=True))


class DayDistrict(HourCube):
    class Meta:
        verbose_name = _("评价日汇总（区）")
        indexes = [models.Index(fields=["district", "day"], name="dd_district_day")]


class DayUnit(HourCube):
    """One row per unit and day (all its halls together: a province's district-wide breakdown reads 10,000 rows a
    day and groups nothing); halls are read from the window/staff cube."""

    unit = _fk("catalog.Unit")

    class Meta:
        verbose_name = _("评价日汇总（单位）")
        indexes = [
            models.Index(fields=["district", "day"], name="du_district_day"),
            models.Index(fields=["unit", "day"], name="du_unit_day"),
        ]


class MonthUnit(Cube):
    """DayUnit summed per month: long periods read their whole months here."""

    unit = _fk("catalog.Unit")

    class Meta:
        verbose_name = _("评价月汇总（单位）")
        indexes = [
            models.Index(fields=["district", "day"], name="mu_district_day"),
            models.Index(fields=["unit", "day"], name="mu_unit_day"),
        ]


class CumUnit(Cube):
    """Each unit's counts from the first of the month through ``day`` (``cubes.cumulative``): any span inside a month
    is two rows per unit."""

    unit = _fk("catalog.Unit")

    class Meta:
        verbose_name = _("评价月累计（单位）")
        indexes = [
            models.Index(fields=["district", "day"], name="cu_district_day"),
            models.Index(fields=["unit", "day"], name="cu_unit_day"),
        ]


class DayStaff(HourCube):
    """Window and staff grain (a row per staff member and window a day; staff NULL for ratings of a window, window
    and hall NULL for a unit's ratings at no window, such as 12345 complaints); halls are read here."""

    hall = _fk("catalog.Hall", null=True)  # the hall of the window
    unit = _fk("catalog.Unit")
    window = _fk("catalog.Window", null=True)
    staff = _fk("catalog.Staff", null=True)

    class Meta:
        verbose_name = _("评价日汇总（窗口、人员）")
        indexes = [
            models.Index(fields=["district", "day"], name="ds_district_day"),
            models.Index(fields=["unit", "day"], name="ds_unit_day"),
            models.Index(fields=["hall", "day"], name="ds_hall_day"),
            models.Index(fields=["window", "day"], name="ds_window_day"),
            models.Index(fields=["staff", "day"], name="ds_staff_day"),
        ]


class MonthWindow(Cube):
    """DayStaff summed per window and month (the window rankings and long periods of windows)."""

    hall = _fk("catalog.Hall", null=True)
    unit = _fk("catalog.Unit")
    window = _fk("catalog.Window", null=True)

    class Meta:
        verbose_name = _("评价月汇总（窗口）")
        indexes = [
            models.Index(fields=["district", "day"], name="mw_district_day"),
            models.Index(fields=["unit", "day"], name="mw_unit_day"),
            models.Index(fields=["hall", "day"], name="mw_hall_day"),
            models.Index(fields=["window", "day"], name="mw_window_day"),
        ]


class DayItem(Cube):
    """Unit and service item grain (questions about one item, or grouped by item, above a window)."""

    hall = _fk("catalog.Hall", null=True)
    unit = _fk("catalog.Unit")
    item = _fk("catalog.ServiceItem", null=True)

    class Meta:
        verbose_name = _("评价日汇总（事项）")
        indexes = [
            models.Index(fields=["district", "day"], name="di_district_day"),
            models.Index(fields=["unit", "day"], name="di_unit_day"),
            models.Index(fields=["hall", "day"], name="di_hall_day"),
            models.Index(fields=["item", "day"], name="di_item_day"),
        ]


class MonthItem(Cube):
    """DayItem summed per month (a year's items with most 差评 reads twelve rows per unit and item)."""

    hall = _fk("catalog.Hall", null=True)
    unit = _fk("catalog.Unit")
    item = _fk("catalog.ServiceItem", null=True)

    class Meta:
        verbose_name = _("评价月汇总（事项）")
        indexes = [
            models.Index(fields=["district", "day"], name="mi_district_day"),
            models.Index(fields=["unit", "day"], name="mi_unit_day"),
            models.Index(fields=["hall", "day"], name="mi_hall_day"),
            models.Index(fields=["item", "day"], name="mi_item_day"),
        ]
