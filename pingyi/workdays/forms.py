from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pingyi.workdays.notice_text import ScheduleError, parse_schedule


class NoticeForm(forms.Form):
    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("通知标题"), max_length=200)
    url = forms.URLField(label=_("通知链接"), max_length=500, assume_scheme="https")
    text = forms.CharField(
        label=_("安排（每行：日期或“开始~结束”、休或班、节日）"),
        widget=forms.Textarea(
            attrs={
                "rows": 14,
                "placeholder": "2027-01-01 休 元旦\n2027-02-06~2027-02-12 休 春节\n2027-02-14 班 春节",
            }
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "year" in data and "text" in data:
            try:
                parse_schedule(data["text"], year=data["year"])
            except ScheduleError as exc:
                for message in exc.errors:
                    self.add_error("text", message)
        return data
