"""Back-office pages under /operator/: ratings taken by hotline operators, and window devices for hall managers."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from pingyi.accounts.models import User
from pingyi.accounts.roles import is_operator, signed_in
from pingyi.accounts.scopes import can_edit, can_view, restrict
from pingyi.ratings.channels.device.services import device_deactivate, device_register
from pingyi.ratings.channels.operator import adapter
from pingyi.ratings.channels.operator.forms import DeviceForm, OperatorRatingForm
from pingyi.ratings.errors import RatingError
from pingyi.ratings.models import Device, Rating


def operator_required(view: Any) -> Any:
    """Only operators and superusers; anyone else gets the same 404 as for a page that does not exist."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_operator(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@operator_required
def rating_list(request: HttpRequest) -> HttpResponse:
    ratings = (
        Rating.objects.filter(entered_by=request.user.pk)
        .select_related("unit", "window", "item")
        .order_by("-received_at", "-id")
    )
    page = Paginator(ratings, 50).get_page(request.GET.get("page"))
    return render(request, "ratings/operator_rating_list.html", {"page": page, "querystring": ""})


@operator_required
def rating_create(request: HttpRequest) -> HttpResponse:
    form = OperatorRatingForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assert isinstance(request.user, User)  # operator_required: signed in
            rating = adapter.submit(data, form.scale, request.user)
        except RatingError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            note = f"，查询码 {rating.tracking_code}" if rating.tracking_code else ""
            messages.success(request, f"已录入工单 {rating.external_ref} 的评价{note}")
            return redirect("operator:rating_list")
    return render(request, "ratings/operator_rating_form.html", {"form": form})


# Devices ------------------------------------------------------------------------------------------------------
@login_required
def device_list(request: HttpRequest) -> HttpResponse:
    if not can_view(request.user, Device):
        raise Http404
    devices = restrict(Device.objects.select_related("window__unit", "window__hall"), request.user).order_by(
        "window__hall__name", "window__code", "name"
    )
    page = Paginator(devices, 100).get_page(request.GET.get("page"))
    context = {"page": page, "querystring": "", "can_edit": can_edit(request.user, Device)}
    return render(request, "ratings/device_list.html", context)


@never_cache
@login_required
def device_create(request: HttpRequest) -> HttpResponse:
    if not can_edit(request.user, Device):
        raise Http404
    form = DeviceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            device, token = device_register(
                actor=signed_in(request),
                window=form.cleaned_data["window"],
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
            )
        except (PermissionDenied, ValueError) as exc:
            form.add_error(None, str(exc))
        else:
            # The token is shown on this response only; it is stored nowhere but as a digest.
            return render(request, "ratings/device_created.html", {"device": device, "token": token})
    return render(request, "ratings/device_form.html", {"form": form})


@require_POST
@login_required
def device_deactivate_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_edit(request.user, Device):
        raise Http404
    device = get_object_or_404(restrict(Device.objects.all(), request.user), pk=pk)
    device_deactivate(actor=signed_in(request), device=device)
    messages.success(request, f"已停用评价设备“{device.name}”")
    return redirect("operator:device_list")
