"""The home page (a summary of what the role may see) and a health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

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
    return render(request, "web/home.html", {"counts": counts})


def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})
