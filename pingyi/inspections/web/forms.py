"""Forms of the inspection pages; choices are limited to the user's district and the inspected unit."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pingyi.accounts.models import User
from pingyi.accounts.roles import inspectors_of
from pingyi.catalog.models import Staff, Unit
from pingyi.inspections.choices import Kind, Method
from pingyi.inspections.models import Draw, FindingType, Inspection
from pingyi.workdays import days as workdays

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanForm(forms.Form):
    title = forms.CharField(label=_("计划名称"), max_length=200)
    kind = forms.ChoiceField(label=_("检查方式"), choices=Kind.choices)
    methods = forms.MultipleChoiceField(
        label=_("检查方法"), choices=Method.choices, widget=forms.CheckboxSelectMultiple
    )
    period_start = forms.DateField(label=_("开始日期"), widget=DATE)
    period_end = forms.DateField(label=_("结束日期"), widget=DATE)


class DrawForm(forms.Form):
    population = forms.ChoiceField(label=_("抽取范围"), choices=Draw.Population.choices)
    count = forms.IntegerField(label=_("抽取数量"), min_value=1, initial=3)
    quiet_days = forms.IntegerField(
        label=_("未录入天数"),
        min_value=1,
        required=False,
        help_text=_("仅用于“长期未录入台账的单位”：这么多天内没有录入任何办件的单位进入候选"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["quiet_days"].initial = settings.PINGYI_INSPECTIONS["quiet_days"]


class AddUnitForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("被检查单位"), queryset=Unit.objects.none())
    planned_on = forms.DateField(label=_("计划检查日期"), widget=DATE, required=False)

    def __init__(self, *args: Any, district_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Unit.objects.filter(district_id=district_id, active=True).order_by("code")


class InspectorChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.first_name or obj.username)


class StartForm(forms.Form):
    inspectors = InspectorChoice(
        label=_("检查人员"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    started_on = forms.DateField(label=_("检查日期"), widget=DATE)

    def __init__(self, *args: Any, inspection: Inspection, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["inspectors"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = inspectors_of(inspection.district_id).order_by("username")
        self.fields["started_on"].initial = timezone.localdate()


class FindingForm(forms.Form):
    type = forms.ModelChoiceField(label=_("问题类型"), queryset=FindingType.objects.filter(active=True))
    description = forms.CharField(label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.CharField(
        label=_("证据"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("比对数字、回访记录、监控时段、台账页码等，能让他人复核的内容"),
    )
    staff = forms.ModelMultipleChoiceField(
        label=_("涉及工作人员"),
        queryset=Staff.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    people_names = forms.CharField(
        label=_("其他涉及人员"), max_length=200, required=False, help_text=_("姓名，用逗号分隔")
    )
    confirmed = forms.BooleanField(label=_("已查实"), required=False)
    file = forms.FileField(
        label=_("证据文件（可选）"),
        required=False,
        help_text=_("PDF、照片、Word 或 Excel，不超过 10 MB；被检查单位看不到"),
    )

    def __init__(self, *args: Any, inspection: Inspection, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["staff"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Staff.objects.filter(unit_id=inspection.unit_id).order_by("employee_no")


class ConcludeForm(forms.Form):
    summary = forms.CharField(label=_("检查情况"), widget=forms.Textarea(attrs={"rows": 4}))


class FeedbackSendForm(forms.Form):
    deadline = forms.DateField(label=_("整改期限"), widget=DATE, required=False)
    requirement = forms.CharField(
        label=_("整改要求"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        days = settings.PINGYI_INSPECTIONS["rectify_working_days"]
        today = timezone.localdate()
        try:
            self.fields["deadline"].initial = workdays.add_working_days(today, days)
        except workdays.UnknownYear:
            self.fields[
                "deadline"
            ].initial = None  # the inspector picks the date; the calendar page shows the gap


class PlanTextForm(forms.Form):
    plan_text = forms.CharField(label=_("整改方案"), widget=forms.Textarea(attrs={"rows": 5}))


class ProofForm(forms.Form):
    proof_text = forms.CharField(
        label=_("整改情况及佐证"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("写明已采取的措施、完成时间和可核查的佐证（制度文件名称、台账补录数量、现场照片编号等）"),
    )
    file = forms.FileField(
        label=_("佐证文件（可选）"), required=False, help_text=_("PDF、照片、Word 或 Excel，不超过 10 MB")
    )


class VerifyForm(forms.Form):
    accepted = forms.TypedChoiceField(
        label=_("验收结论"),
        choices=[("1", _("整改到位，销号办结")), ("0", _("整改不到位，退回"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("验收意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(forms.Form):
    note = forms.CharField(label=_("办结说明"), required=False, max_length=500)
