"""The bulletin form (choices limited to what the inspector may see) and the withdrawal form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pingyi.accountability.models import AccountabilityRecord
from pingyi.accounts.roles import Someone, person
from pingyi.accounts.scopes import restrict
from pingyi.catalog.models import District
from pingyi.disclosure.models import Bulletin, Kind
from pingyi.inspections.models import Inspection
from pingyi.tickets.models import Ticket

# Tickets worth a bulletin are those whose verification is done; the newest few hundred are offered.
TICKET_CHOICES = 300


class BulletinForm(forms.Form):
    district = forms.ModelChoiceField(label=_("区"), queryset=District.objects.all())
    kind = forms.ChoiceField(label=_("类别"), choices=Kind.choices)
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 12}), max_length=20000)
    show_names = forms.BooleanField(
        label=_("公开被问责人姓名"),
        required=False,
        help_text=_("不勾选时，被问责人一律以“某”称谓（如“龙某”），正文中也不得出现其姓名"),
    )
    inspections = forms.ModelMultipleChoiceField(
        label=_("相关监督检查"),
        queryset=Inspection.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    accountability = forms.ModelMultipleChoiceField(
        label=_("相关问责处理"),
        queryset=AccountabilityRecord.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tickets = forms.ModelMultipleChoiceField(
        label=_("相关工单"),
        queryset=Ticket.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, user: Someone, bulletin: Bulletin | None = None, **kwargs: Any) -> None:
        if bulletin is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "district": bulletin.district_id,
                "kind": bulletin.kind,
                "title": bulletin.title,
                "body": bulletin.body,
                "show_names": bulletin.show_names,
                "inspections": list(bulletin.inspections.all()),
                "accountability": list(bulletin.accountability.all()),
                "tickets": list(bulletin.tickets.all()),
            }
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        account = person(user)
        if (account is not None and account.district_id) or bulletin is not None:
            # An inspector drafts for its own district; an edit keeps the bulletin's district.
            del fields["district"]
        fields["inspections"].queryset = restrict(
            Inspection.objects.select_related("unit").order_by("-created_at"), user
        )
        fields["accountability"].queryset = restrict(
            AccountabilityRecord.objects.select_related("unit", "sanction"), user
        )
        verified = Ticket.objects.exclude(verdict="").select_related("unit").order_by("-opened_at")
        ids = list(restrict(verified, user).values_list("pk", flat=True)[:TICKET_CHOICES])
        if bulletin is not None:
            ids += list(bulletin.tickets.values_list("pk", flat=True))
        fields["tickets"].queryset = verified.filter(pk__in=ids)
        fields["tickets"].label_from_instance = _ticket_label


def _ticket_label(ticket: Ticket) -> str:
    return f"{ticket.tracking_code} · {ticket.unit.name} · {ticket.get_verdict_display()}"


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤回理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
