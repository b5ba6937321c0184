"""Forms for 问责处理, 纪检监察建议书 and 制度机制 (choices limited to what the person may see)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pingyi.accountability.models import SanctionType, Suggestion
from pingyi.accounts.roles import Someone
from pingyi.accounts.scopes import restrict
from pingyi.catalog.models import Staff, Unit
from pingyi.inspections.models import Finding
from pingyi.tickets.choices import Verdict
from pingyi.tickets.models import Ticket

DATE = forms.DateInput(attrs={"type": "date"})


def _grounds(form: forms.Form, user: Someone) -> None:
    tickets = restrict(Ticket.objects.filter(verdict__in=[Verdict.TRUE, Verdict.PARTLY], revoked=False), user)
    form.fields["tickets"].queryset = tickets.select_related("unit").order_by("-opened_at")  # type: ignore[attr-defined]
    findings = restrict(Finding.objects.filter(confirmed=True), user)
    form.fields["findings"].queryset = findings.select_related("type", "inspection__unit")  # type: ignore[attr-defined]
    form.fields["unit"].queryset = restrict(Unit.objects.all(), user).order_by("name")  # type: ignore[attr-defined]


class _Grounded(forms.Form):
    unit = forms.ModelChoiceField(label=_("单位"), queryset=Unit.objects.none())
    tickets = forms.ModelMultipleChoiceField(
        label=_("依据：属实的工单"),
        queryset=Ticket.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    findings = forms.ModelMultipleChoiceField(
        label=_("依据：查实的检查发现"),
        queryset=Finding.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, user: Someone, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _grounds(self, user)


class AccountabilityForm(_Grounded):
    person_name = forms.CharField(label=_("被问责人"), max_length=50)
    person_title = forms.CharField(label=_("职务"), max_length=100, required=False)
    staff = forms.ModelChoiceField(
        label=_("对应工作人员（选填）"), queryset=Staff.objects.none(), required=False
    )
    sanction = forms.ModelChoiceField(label=_("问责方式"), queryset=SanctionType.objects.filter(active=True))
    reason = forms.CharField(label=_("问责事由"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    document_no = forms.CharField(label=_("文号"), max_length=60, required=False)
    decided_on = forms.DateField(label=_("决定日期"), widget=DATE)

    def __init__(self, *args: Any, user: Someone, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["staff"].queryset = restrict(Staff.objects.all(), user).order_by("name")  # type: ignore[attr-defined]


class SuggestionForm(_Grounded):
    number = forms.CharField(label=_("文号"), max_length=60)
    issues = forms.CharField(label=_("存在问题"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000)
    suggestions = forms.CharField(
        label=_("监察建议"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000
    )
    reply_by = forms.DateField(label=_("反馈期限"), widget=DATE)


class MechanismForm(_Grounded):
    title = forms.CharField(label=_("名称"), max_length=200)
    description = forms.CharField(
        label=_("主要内容"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000
    )
    adopted_on = forms.DateField(label=_("建立日期"), widget=DATE)
    suggestion = forms.ModelChoiceField(
        label=_("对应建议书（选填）"), queryset=Suggestion.objects.none(), required=False
    )

    def __init__(self, *args: Any, user: Someone, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["suggestion"].queryset = restrict(Suggestion.objects.all(), user)  # type: ignore[attr-defined]
