"""Forms of the ticket pages: one per workflow action (built from ``workflow.py``), the complaint and help forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pingyi.tickets.choices import Verdict
from pingyi.tickets.workflow import ACTIONS, FIELD_LABELS

_WIDGETS: dict[str, Any] = {
    "called_at": forms.DateTimeField(
        label=FIELD_LABELS["called_at"], widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    ),
    "verdict": forms.ChoiceField(label=FIELD_LABELS["verdict"], choices=Verdict.choices),
}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


FILE_LABELS = {
    "verify": _("核实材料（选填：记录、录像截图等）"),
    "rectify": _("整改佐证材料（选填）"),
    "appeal_accept": _("复核材料（选填）"),
    "review_fail": _("退回说明材料（选填）"),
}


def action_form(action: str, data: Any = None, files: Any = None) -> forms.Form:
    fields: dict[str, forms.Field] = {}
    for name in ACTIONS[action].required:
        if name in _WIDGETS:
            fields[name] = _WIDGETS[name]
        elif name in ("caller",):
            fields[name] = forms.CharField(label=FIELD_LABELS[name], max_length=100)
        else:
            fields[name] = forms.CharField(
                label=FIELD_LABELS[name],
                widget=forms.Textarea(attrs={"rows": 3}),
                required=name != "evidence",
                max_length=5000,
            )
    if action == "verify":
        fields["cctv_ref"] = forms.CharField(label=_("监控录像编号"), required=False, max_length=200)
    if action in ("review_pass",):
        fields["note"] = forms.CharField(label=FIELD_LABELS["note"], required=False, max_length=5000)
    if action in FILE_LABELS:
        fields["files"] = MultipleFileField(
            label=FILE_LABELS[action],
            required=False,
            help_text=_("PDF、JPG、PNG、Word、Excel，每个不超过 10 MB"),
        )
    form_class = type(f"{action.title()}Form", (forms.Form,), fields)
    return form_class(data, files, prefix=action)


class ComplaintForm(forms.Form):
    """A complaint received by the hotline or message board, or a matter an inspector assigns (交办)."""

    source = forms.ChoiceField(label=_("来源"))
    unit: forms.ModelChoiceField = forms.ModelChoiceField(label=_("承办单位"), queryset=None)  # type: ignore[arg-type]
    summary = forms.CharField(label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)
    phone = forms.CharField(label=_("群众电话（选填）"), required=False, max_length=20)

    def __init__(self, *args: Any, units: Any, sources: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["source"].choices = sources  # type: ignore[attr-defined]


class HelpForm(forms.Form):
    """不满意请找我: a citizen who is not satisfied asks for help, on the phone or at the help window."""

    unit: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("哪个单位"),
        queryset=None,  # type: ignore[arg-type]
        empty_label=_("请选择"),
    )
    summary = forms.CharField(
        label=_("遇到了什么问题"), widget=forms.Textarea(attrs={"rows": 5}), max_length=2000, min_length=5
    )
    phone = forms.CharField(
        label=_("手机号（选填）"),
        required=False,
        max_length=20,
        help_text=_("留下号码，工作人员会通过隐私号回电，不会向被投诉单位显示您的号码。"),
    )
    website = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"})
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
