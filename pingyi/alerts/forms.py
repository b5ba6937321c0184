"""Forms of the rules page (thresholds, a rule for one unit or window) and of the subscriptions page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from pingyi.accounts.roles import Someone
from pingyi.accounts.scopes import restrict
from pingyi.alerts.defaults import KIND_FIELDS
from pingyi.alerts.models import AlertKind, AlertRule, Channel
from pingyi.alerts.services import threshold_errors
from pingyi.catalog.models import Unit, Window
from pingyi.lib import crypto

ROLE_CHOICES = [
    ("inspector", _("纪检监察")),
    ("hall_manager", _("大厅管理")),
    ("unit_admin", _("单位管理员")),
]

HELP = {
    "percent": _("近若干小时内，差评占主动评价的比例达到此值即预警"),
    "hours": _("差评占比：统计最近多少小时；工单：距期限不足多少小时时预警"),
    "min_ratings": _("评价少于此数时不判断，避免一两条差评就预警"),
    "working_days": _("按国务院节假日安排计算的工作日"),
    "min_records": _("期间办件少于此数的窗口不判断"),
    "history_working_days": _("用于估计各等级正常比例的此前工作日数"),
    "min_expected": _("按基线比例，期间该等级应有条数达到此值才判断"),
}


class RuleForm(forms.ModelForm):
    """The thresholds the rule's kind reads, whether it is enabled, and which roles are notified."""

    notify_roles = forms.MultipleChoiceField(
        label=_("通知角色（短信、邮件按各人订阅发送）"),
        choices=ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = AlertRule
        fields = ["enabled", "percent", "hours", "min_ratings", "working_days", "min_records",
                  "history_working_days", "min_expected", "notify_roles"]  # fmt: skip
        error_messages = {
            name: {"invalid": _("请输入数字"), "min_value": _("不能为负数")}
            for name in ("percent", "hours", "min_ratings", "working_days", "min_records",
                         "history_working_days", "min_expected")
        }  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        used = KIND_FIELDS[self.instance.kind]
        for name in list(self.fields):
            if name in ("enabled", "notify_roles"):
                continue
            if name not in used:
                del self.fields[name]
            else:
                self.fields[name].required = True
                self.fields[name].error_messages["required"] = _("此类预警必须填写该项")
                self.fields[name].help_text = HELP[name]
        if self.instance.kind == AlertKind.TICKET_DUE_SOON:
            self.fields["hours"].label = _("距期限小时数")
        elif self.instance.kind == AlertKind.NEGATIVE_SHARE:
            self.fields["hours"].label = _("统计最近小时数")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, message in threshold_errors(self.instance.kind, data).items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return data


class RuleCreateForm(forms.Form):
    """A rule for one unit or one window, starting from the district's thresholds."""

    kind = forms.ChoiceField(label=_("预警类型"), choices=AlertKind.choices)
    unit = forms.ModelChoiceField(label=_("单位"), queryset=Unit.objects.none(), required=False)
    window = forms.ModelChoiceField(label=_("窗口"), queryset=Window.objects.none(), required=False)

    def __init__(self, *args: Any, user: Someone, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field, window_field = self.fields["unit"], self.fields["window"]
        assert isinstance(unit_field, forms.ModelChoiceField) and isinstance(
            window_field, forms.ModelChoiceField
        )
        unit_field.queryset = restrict(Unit.objects.order_by("code"), user)
        window_field.queryset = restrict(
            Window.objects.select_related("unit").order_by("unit__code", "code"), user
        )
        for name in ("unit", "window"):
            self.fields[name].error_messages["invalid_choice"] = _("请选择列表中的一项")
        self.fields["kind"].error_messages["invalid_choice"] = _("未知的预警类型")
        self.fields["kind"].error_messages["required"] = _("请选择预警类型")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and (data.get("unit") is None) == (data.get("window") is None):
            raise ValidationError(_("请选择一个单位或一个窗口（二选一）"))
        return data


class SubscriptionForm(forms.Form):
    channel = forms.ChoiceField(label=_("渠道"), choices=Channel.choices)
    address = forms.CharField(
        label=_("手机号码或电子邮箱"),
        max_length=254,
        error_messages={"required": _("请填写手机号码或电子邮箱")},
    )
    kinds = forms.MultipleChoiceField(
        label=_("只接收以下类型（不选则全部）"),
        choices=AlertKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        address = (data.get("address") or "").strip()
        if not address:
            return data
        if data.get("channel") == Channel.SMS:
            try:
                crypto.normalize_phone(address)
            except ValueError:
                self.add_error("address", _("手机号码格式不正确"))
        elif data.get("channel") == Channel.EMAIL:
            try:
                validate_email(address)
            except ValidationError:
                self.add_error("address", _("电子邮箱格式不正确"))
        return data
