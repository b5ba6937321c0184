"""Back-office forms for the catalogue; every choice list is restricted to the user's scope."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pingyi.accounts.roles import Someone
from pingyi.accounts.scopes import restrict
from pingyi.catalog.hours import HoursError, format_hours, parse_hours
from pingyi.catalog.models import DutyShift, Hall, ServiceItem, Staff, Unit, Window
from pingyi.lib import crypto


class ScopedModelForm(forms.ModelForm):
    """Restricts every foreign-key and many-to-many choice to what the user may see."""

    def __init__(self, *args: Any, user: Someone, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField | forms.ModelMultipleChoiceField):
                field.queryset = restrict(field.queryset, user)  # type: ignore[arg-type]

    def service_kwargs(self) -> dict[str, Any]:
        """Extra keyword arguments for catalog_object_save (hours, phone, m2m)."""
        return {}


class HallForm(ScopedModelForm):
    class Meta:
        model = Hall
        fields = ["district", "parent", "code", "name", "address"]


class UnitForm(ScopedModelForm):
    class Meta:
        model = Unit
        fields = ["district", "hall", "code", "name", "credit_code", "active"]


class WindowForm(ScopedModelForm):
    hours_text = forms.CharField(
        label=_("办公时间"),
        help_text=_("例如：周一至周五 08:30-12:00,14:00-17:30；周六 09:00-12:00"),
        widget=forms.TextInput(attrs={"placeholder": "周一至周五 08:30-12:00,14:00-17:30"}),
    )

    class Meta:
        model = Window
        fields = ["hall", "unit", "code", "name", "active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["hours_text"].initial = format_hours(list(self.instance.hours.all()))

    def clean_hours_text(self) -> str:
        value = self.cleaned_data["hours_text"]
        try:
            self._sessions = parse_hours(value)
        except HoursError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return value

    def service_kwargs(self) -> dict[str, Any]:
        return {"hours": self._sessions}


class StaffForm(ScopedModelForm):
    phone = forms.CharField(
        label=_("电话"),
        required=False,
        max_length=20,
        help_text=_("用于核对评价人与工作人员是否相同，加密保存，不向群众展示；留空表示不修改。"),
    )

    class Meta:
        model = Staff
        fields = ["unit", "employee_no", "name", "title", "active"]

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"].strip()
        if value:
            try:
                return crypto.normalize_phone(value)
            except ValueError as exc:
                raise forms.ValidationError(_("不是有效的电话号码")) from exc
        return value

    def service_kwargs(self) -> dict[str, Any]:
        phone = self.cleaned_data.get("phone", "")
        return {"phone": phone} if phone else {}


class DutyShiftForm(ScopedModelForm):
    class Meta:
        model = DutyShift
        fields = ["window", "staff", "starts_at", "ends_at"]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        window, staff = cleaned.get("window"), cleaned.get("staff")
        if window and staff and window.unit_id != staff.unit_id:
            raise forms.ValidationError(_("工作人员必须属于该窗口的单位"))
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if window and starts and ends:
            overlapping = DutyShift.objects.filter(window=window, starts_at__lt=ends, ends_at__gt=starts)
            if self.instance.pk:
                overlapping = overlapping.exclude(pk=self.instance.pk)
            if overlapping.exists():
                raise forms.ValidationError(_("该窗口在这段时间已有排班"))
        return cleaned


class ServiceItemForm(ScopedModelForm):
    class Meta:
        model = ServiceItem
        fields = ["district", "unit", "code", "name", "windows", "active"]
        widgets = {"windows": forms.SelectMultiple(attrs={"size": 6})}

    def service_kwargs(self) -> dict[str, Any]:
        return {"m2m": {"windows": self.cleaned_data.get("windows", [])}}
