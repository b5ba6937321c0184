"""The public pages (no login): the district's page, one bulletin, and a hall's big screen with its JSON."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import cache_control

from pingyi.catalog.models import District, Hall
from pingyi.disclosure.public import public_page, screen_data
from pingyi.disclosure.selectors import public_bulletin


def screen_refresh_seconds() -> int:
    """How often the screen's script fetches the figures (``PINGYI_SCREEN_REFRESH_SECONDS``, default 30)."""
    return max(5, int(getattr(settings, "PINGYI_SCREEN_REFRESH_SECONDS", 30)))


def _year(request: HttpRequest) -> int | None:
    raw = request.GET.get("year", "")
    this_year = timezone.localdate().year
    if raw.isascii() and raw.isdigit() and len(raw) == 4 and 2000 <= int(raw) <= this_year:
        return int(raw)
    return None


def index(request: HttpRequest) -> HttpResponse:
    """One district: its page. Several: a choice by name (the page of each is /public/<code>/)."""
    districts = list(District.objects.order_by("code"))
    if not districts:
        raise Http404
    if len(districts) > 1:
        return render(request, "disclosure/public_choose.html", {"districts": districts})
    return _page(request, districts[0])


def district_page(request: HttpRequest, code: str) -> HttpResponse:
    return _page(request, get_object_or_404(District, code=code))


def _page(request: HttpRequest, district: District) -> HttpResponse:
    page = public_page(district, _year(request))
    this_year = timezone.localdate().year
    context = {"p": page, "years": list(range(this_year, this_year - 3, -1))}
    return render(request, "disclosure/public.html", context)


def bulletin(request: HttpRequest, pk: int) -> HttpResponse:
    shown = public_bulletin(pk)
    if shown is None:
        raise Http404
    return render(request, "disclosure/public_bulletin.html", {"b": shown})


def screen(request: HttpRequest, hall_id: int) -> HttpResponse:
    hall = get_object_or_404(Hall.objects.select_related("district"), pk=hall_id)
    context = {"hall": hall, "d": screen_data(hall), "refresh": screen_refresh_seconds()}
    return render(request, "disclosure/screen.html", context)


def screen_by_code(request: HttpRequest, district_code: str, hall_code: str) -> HttpResponse:
    hall = get_object_or_404(Hall, district__code=district_code, code=hall_code)
    return redirect("disclosure:screen", hall_id=hall.pk)


@cache_control(no_cache=True)
def screen_json(request: HttpRequest, hall_id: int) -> JsonResponse:
    hall = get_object_or_404(Hall, pk=hall_id)
    return JsonResponse(screen_data(hall), json_dumps_params={"ensure_ascii": False})
