"""The manual entry form (手工录入) and the list filters; every choice is restricted to the user's scope."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pingyi.accounts.roles import Someone
from pingyi.accounts.scopes import restrict
from pingyi.catalog.models import ServiceItem, Staff, Unit, Window
from pingyi.ledger.models import ServiceRecord

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _when(**attrs: Any) -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local", **attrs}, format=DATETIME_FORMAT)


class RecordForm(forms.Form):
    window = forms.ModelChoiceField(Window.objects.none(), label=_("窗口"))
    received_at = forms.DateTimeField(label=_("受理时间"), widget=_when(), input_formats=[DATETIME_FORMAT])
    finished_at = forms.DateTimeField(
        label=_("办结时间"), required=False, widget=_when(), input_formats=[DATETIME_FORMAT]
    )
    staff = forms.ModelChoiceField(
        Staff.objects.none(),
        label=_("经办人"),
        required=False,
        help_text=_("空着时取该窗口受理时间值班的人员"),
    )
    item = forms.ModelChoiceField(ServiceItem.objects.none(), label=_("事项"), required=False)
    applicant = forms.CharField(label=_("申请人"), max_length=100, required=False)
    phone = forms.CharField(
        label=_("申请人电话"),
        max_length=20,
        required=False,
        help_text=_("加密保存，页面上只显示遮挡后的号码"),
    )
    record_no = forms.CharField(
        label=_("办件编号"), max_length=64, required=False, help_text=_("空着时自动生成")
    )
    stage = forms.ChoiceField(
        label=_("环节"),
        required=False,
        choices=[("", _("自动（有办结时间为办结，否则为受理）")), *ServiceRecord.Stage.choices],
    )

    def __init__(self, *args: Any, user: Someone, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"received_at": timezone.localtime().replace(second=0, microsecond=0)})
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["window"].queryset = restrict(Window.objects.filter(active=True), user).select_related("unit")
        fields["staff"].queryset = restrict(Staff.objects.filter(active=True), user)
        fields["item"].queryset = restrict(ServiceItem.objects.filter(active=True), user)


class FilterForm(forms.Form):
    unit = forms.ModelChoiceField(
        Unit.objects.none(), label=_("单位"), required=False, empty_label=_("单位：全部")
    )
    window = forms.ModelChoiceField(
        Window.objects.none(), label=_("窗口"), required=False, empty_label=_("窗口：全部")
    )
    date_from = forms.DateField(
        label=_("受理日期从"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("到"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    late = forms.BooleanField(label=_("只看补录（迟录入）的"), required=False)

    def __init__(self, *args: Any, user: Someone, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["unit"].queryset = restrict(Unit.objects.all(), user)
        fields["window"].queryset = restrict(Window.objects.all(), user)
