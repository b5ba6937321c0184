"""Forms of the operator pages: a rating taken on the hotline / message board / mayor's line, and a device."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pingyi.accounts.roles import Someone
from pingyi.accounts.scopes import restrict
from pingyi.catalog.models import ServiceItem, Unit, Window
from pingyi.lib import crypto, scales
from pingyi.ratings.models import Device, ReasonTag
from pingyi.ratings.selectors import deployment_scale
from pingyi.ratings.tagdata import CURRENT_VERSION

OPERATOR_CHANNELS = [scales.Channel.HOTLINE, scales.Channel.MESSAGE_BOARD, scales.Channel.MAYOR_LINE]
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class OperatorRatingForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("渠道"), choices=[(c.value, scales.CHANNEL_LABELS[c]) for c in OPERATOR_CHANNELS]
    )
    external_ref = forms.CharField(label=_("工单号"), max_length=64)
    unit = forms.ModelChoiceField(label=_("被评价单位"), queryset=Unit.objects.none())
    window = forms.ModelChoiceField(
        label=_("窗口"), queryset=Window.objects.none(), required=False, help_text=_("可选，须属于所选单位")
    )
    item = forms.ModelChoiceField(
        label=_("事项"),
        queryset=ServiceItem.objects.none(),
        required=False,
        help_text=_("可选，须属于所选单位"),
    )
    level = forms.TypedChoiceField(label=_("评价等级"), coerce=int, choices=[])
    tags = forms.MultipleChoiceField(
        label=_("评价标签"), required=False, widget=forms.CheckboxSelectMultiple, choices=[]
    )
    comment = forms.CharField(label=_("评价内容"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    phone = forms.CharField(
        label=_("群众电话（回访用）"),
        required=False,
        max_length=20,
        help_text=_("仅纪检监察人员可见（掩码）"),
    )
    rated_at = forms.DateTimeField(
        label=_("评价时间"),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )

    def __init__(self, *args: Any, user: Someone, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.scale = deployment_scale()
        self.fields["unit"].queryset = restrict(Unit.objects.filter(active=True), user)  # type: ignore[attr-defined]
        self.fields["window"].queryset = restrict(  # type: ignore[attr-defined]
            Window.objects.filter(active=True).select_related("unit"), user
        )
        self.fields["item"].queryset = restrict(  # type: ignore[attr-defined]
            ServiceItem.objects.filter(active=True).select_related("unit"), user
        )
        self.fields["window"].label_from_instance = lambda w: f"{w.unit.name} · {w.name}"  # type: ignore[attr-defined]
        self.fields["item"].label_from_instance = lambda i: f"{i.unit.name} · {i.name}"  # type: ignore[attr-defined]
        self.fields["level"].choices = [  # type: ignore[attr-defined]
            (lvl.value, lvl.label) for lvl in scales.levels(self.scale)
        ]
        tags = ReasonTag.objects.filter(version=CURRENT_VERSION, active=True).order_by("code")
        self.fields["tags"].choices = [  # type: ignore[attr-defined]
            (
                t.code,
                f"{scales.level(self.scale, scales.from_five(self.scale, t.level5)).label} · {t.code} {t.label}",
            )
            for t in tags
        ]
        if not self.is_bound:
            self.initial.setdefault("rated_at", timezone.localtime().replace(second=0, microsecond=0))

    def clean_phone(self) -> str:
        phone = self.cleaned_data.get("phone", "").strip()
        if not phone:
            return ""
        try:
            return crypto.normalize_phone(phone)
        except ValueError:
            raise forms.ValidationError(_("手机号码格式不正确")) from None

    def clean_rated_at(self) -> datetime:
        value: datetime = self.cleaned_data["rated_at"]
        if value > timezone.now() + timedelta(minutes=5):
            raise forms.ValidationError(_("评价时间不能晚于当前时间"))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        unit = data.get("unit")
        if unit is not None:
            if data.get("window") is not None and data["window"].unit_id != unit.pk:
                self.add_error("window", _("该窗口不属于所选单位"))
            if data.get("item") is not None and data["item"].unit_id != unit.pk:
                self.add_error("item", _("该事项不属于所选单位"))
        return data


class DeviceForm(forms.Form):
    window = forms.ModelChoiceField(label=_("窗口"), queryset=Window.objects.none())
    name = forms.CharField(label=_("设备名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=Device.Kind.choices, initial=Device.Kind.PAD)

    def __init__(self, *args: Any, user: Someone, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["window"].queryset = restrict(  # type: ignore[attr-defined]
            Window.objects.filter(active=True).select_related("unit", "hall"), user
        )
        self.fields["window"].label_from_instance = lambda w: f"{w.hall.name} · {w.name}"  # type: ignore[attr-defined]
