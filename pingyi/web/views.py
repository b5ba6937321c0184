"""The home page: a summary of what the role may see (the health checks are in pingyi.ops)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pingyi.accounts.roles import Someone
from pingyi.accounts.scopes import can_view, restrict
from pingyi.catalog.models import Hall, ServiceItem, Staff, Unit, Window


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    counts = []
    for model, url_name in (
        (Hall, "catalog:hall_list"),
        (Unit, "catalog:unit_list"),
        (Window, "catalog:window_list"),
        (Staff, "catalog:staff_list"),
        (ServiceItem, "catalog:item_list"),
    ):
        if can_view(user, model):
            counts.append(
                {
                    "label": model._meta.verbose_name,
                    "count": restrict(model.objects.all(), user).count(),
                    "url_name": url_name,
                }
            )
    from pingyi.alerts.selectors import home_card as alert_card

    context = {"counts": counts, "tickets": _ticket_cards(user), "alerts": alert_card(user)}
    return render(request, "web/home.html", context)


def _ticket_cards(user: Someone) -> list[dict[str, Any]]:
    """What needs doing: open tickets, overdue ones and those under 督办 (reminders and escalations land here)."""
    from pingyi.tickets.choices import State
    from pingyi.tickets.models import Ticket, overdue_q

    if not can_view(user, Ticket):
        return []
    now = timezone.now()
    active = restrict(Ticket.objects.exclude(state=State.CLOSED), user)
    overdue = active.filter(overdue_q(now))
    return [
        {"label": _("未办结工单"), "count": active.count(), "query": "state=active"},
        {"label": _("逾期工单"), "count": overdue.count(), "query": "overdue=1"},
        {"label": _("督办中"), "count": active.filter(escalation__gt=0).count(), "query": "escalated=1"},
    ]
