"""The organisation catalogue: district → hall → unit → window → staff, duty roster, service items."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from pingyi.lib.codes import is_valid_credit_code
from pingyi.lib.phonefields import EncryptedPhone

WEEKDAYS = [
    (0, _("周一")),
    (1, _("周二")),
    (2, _("周三")),
    (3, _("周四")),
    (4, _("周五")),
    (5, _("周六")),
    (6, _("周日")),
]


def validate_credit_code(value: str) -> None:
    if not is_valid_credit_code(value):
        raise ValidationError(_("统一社会信用代码无效（应为18位且校验位正确）"), code="credit_code")


class District(models.Model):
    """A district (区): the top of one deployment's catalogue; inspectors see exactly one."""

    code = models.CharField(_("行政区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=100)

    class Meta:
        verbose_name = _("区")
        verbose_name_plural = _("区")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Hall(models.Model):
    """A citizen service hall (市民服务中心); a sub-centre (街道便民服务中心) has a parent hall."""

    district = models.ForeignKey(
        District, verbose_name=_("区"), on_delete=models.PROTECT, related_name="halls"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级大厅"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.CharField(_("大厅编码"), max_length=32)
    name = models.CharField(_("名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("大厅")
        verbose_name_plural = _("大厅")
        ordering = ["district", "parent_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["district", "code"], name="hall_code_unique_in_district")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.parent_id and self.parent and self.parent.district_id != self.district_id:
            raise ValidationError({"parent": _("上级大厅必须属于同一个区")})
        if self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": _("大厅不能以自己为上级")})


class Unit(models.Model):
    """A rated department or agency (参评单位), stationed in one hall."""

    district = models.ForeignKey(
        District, verbose_name=_("区"), on_delete=models.PROTECT, related_name="units"
    )
    hall = models.ForeignKey(Hall, verbose_name=_("所在大厅"), on_delete=models.PROTECT, related_name="units")
    code = models.CharField(_("单位编码"), max_length=32)
    name = models.CharField(_("单位名称"), max_length=100)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, validators=[validate_credit_code])
    active = models.BooleanField(_("参评中"), default=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["district", "code"], name="unit_code_unique_in_district"),
            models.UniqueConstraint(
                fields=["district", "credit_code"], name="unit_credit_code_unique_in_district"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Window(models.Model):
    """A service window (窗口) of a unit in a hall, with posted office hours."""

    hall = models.ForeignKey(Hall, verbose_name=_("大厅"), on_delete=models.PROTECT, related_name="windows")
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="windows")
    code = models.CharField(_("窗口编号"), max_length=32)
    name = models.CharField(_("窗口名称"), max_length=100)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("窗口")
        verbose_name_plural = _("窗口")
        ordering = ["hall_id", "code"]
        constraints = [models.UniqueConstraint(fields=["hall", "code"], name="window_code_unique_in_hall")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class WindowHours(models.Model):
    """One posted session of a window on a weekday; two rows on one day make a lunch break."""

    window = models.ForeignKey(Window, verbose_name=_("窗口"), on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("星期"), choices=WEEKDAYS)
    opens = models.TimeField(_("开始"))
    closes = models.TimeField(_("结束"))

    class Meta:
        verbose_name = _("办公时间")
        verbose_name_plural = _("办公时间")
        ordering = ["window_id", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=F("opens")), name="window_hours_closes_after_opens"
            ),
            models.CheckConstraint(condition=Q(weekday__lte=6), name="window_hours_weekday_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"


class Staff(EncryptedPhone):
    """A window staff member (窗口工作人员), known by 工号; the phone is for matching, never shown to citizens."""

    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="staff")
    employee_no = models.CharField(_("工号"), max_length=32)
    name = models.CharField(_("姓名"), max_length=50)
    title = models.CharField(_("职务"), max_length=50, blank=True)
    active = models.BooleanField(_("在岗"), default=True)

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")
        ordering = ["unit_id", "employee_no"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "employee_no"], name="staff_no_unique_in_unit")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.employee_no}）"


class DutyShift(models.Model):
    """Who sat at which window when: a rating at window W at time T belongs to whoever was on duty."""

    window = models.ForeignKey(
        Window, verbose_name=_("窗口"), on_delete=models.PROTECT, related_name="shifts"
    )
    staff = models.ForeignKey(
        Staff, verbose_name=_("工作人员"), on_delete=models.PROTECT, related_name="shifts"
    )
    starts_at = models.DateTimeField(_("上岗时间"))
    ends_at = models.DateTimeField(_("离岗时间"))

    class Meta:
        verbose_name = _("排班")
        verbose_name_plural = _("排班")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["window", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="shift_ends_after_start")
        ]

    def __str__(self) -> str:
        return f"{self.window} {self.staff} {self.starts_at:%Y-%m-%d %H:%M}"


class ServiceItem(models.Model):
    """A service item (事项), with its unified item code (事项统一编码), handled by some windows."""

    district = models.ForeignKey(
        District, verbose_name=_("区"), on_delete=models.PROTECT, related_name="items"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="items")
    code = models.CharField(_("事项编码"), max_length=64)
    name = models.CharField(_("事项名称"), max_length=200)
    windows = models.ManyToManyField(Window, verbose_name=_("办理窗口"), blank=True, related_name="items")
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("事项")
        verbose_name_plural = _("事项")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["district", "code"], name="item_code_unique_in_district")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
