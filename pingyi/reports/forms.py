"""The report request form and the period of an export."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pingyi.accounts.roles import Someone
from pingyi.reports import access
from pingyi.reports.models import Report

DISTRICT = ""  # the unit choice meaning "the whole district"


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=_("报告类型"), choices=Report.Kind.choices, initial=Report.Kind.MONTHLY)
    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=_("月份"), min_value=1, max_value=12, required=False)
    unit = forms.ChoiceField(label=_("范围"), required=False)

    def __init__(self, *args: Any, user: Someone, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["month"].initial = today.month
        choices: list[tuple[str, str]] = []
        if access.may_report_district(user):
            choices.append((DISTRICT, f"{access.district_of(user).name}（全区）"))
        choices += [(str(u.pk), u.name) for u in access.units_for(user)]
        cast(forms.ChoiceField, self.fields["unit"]).choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == Report.Kind.MONTHLY and not data.get("month"):
            self.add_error("month", _("月报须选择月份"))
        if data.get("kind") == Report.Kind.YEARLY:
            data["month"] = None
        data["unit_id"] = int(data["unit"]) if data.get("unit") else None
        return data


class PeriodForm(forms.Form):
    """The period and scope of an export, from the query string (defaults: this month so far, the whole scope)."""

    start = forms.DateField(required=False)
    end = forms.DateField(required=False)
    unit = forms.IntegerField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = timezone.localdate()
        data["start"] = data.get("start") or date(today.year, today.month, 1)
        data["end"] = data.get("end") or today
        if not all(2000 <= data[k].year <= 2100 for k in ("start", "end")):
            raise forms.ValidationError(_("日期应在 2000 年至 2100 年之间"))
        if data["end"] < data["start"]:
            raise forms.ValidationError(_("截止日期不能早于起始日期"))
        if (data["end"] - data["start"]).days > 3 * 366:
            raise forms.ValidationError(_("导出期间不能超过三年"))
        return data
