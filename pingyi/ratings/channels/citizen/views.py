"""The citizen rating page /r/<code> (no login): a QR poster token (W…) rates a window, a receipt code (R…) rates
that service record. Works as a plain HTML form; with rate.js it posts by fetch and gets JSON back
(``Accept: application/json``). Every refusal is a friendly Chinese page (or JSON error) with its HTTP status.

Posts are checked by ``formtoken`` (own origin, signed form token of the page) instead of Django's CSRF machinery;
on PostgreSQL the JSON posts of a QR poster are normally taken by ``pingyi.ratings.intake.wsgi`` before Django, which hands every
case it does not simply accept back to this view (docs/decisions/0013).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from pingyi.lib import scales
from pingyi.ratings import formtoken
from pingyi.ratings.channels.citizen import adapter
from pingyi.ratings.channels.citizen.adapter import RECORD_STAGE
from pingyi.ratings.channels.citizen.answers import thanks_message
from pingyi.ratings.channels.citizen.forms import HONEYPOT, CitizenRatingForm, form_view
from pingyi.ratings.errors import AlreadyRated, RatingError
from pingyi.ratings.fingerprints import ensure_device_cookie
from pingyi.ratings.models import Rating
from pingyi.ratings.selectors import Target, deployment_scale, staff_on_duty, tags_by_level, target_by_code

LARGE_TEXT_COOKIE = "pyl"
LARGE_TEXT_AGE = 365 * 24 * 3600
FORM_FIELDS = {"level", "tags", "comment", "phone"}

MSG_NOT_FOUND = "没有找到这个评价码。请核对二维码或回执上的评价码，或拨打12345热线反映。"
MSG_ALREADY = AlreadyRated().message
MSG_HONEYPOT = "提交未被接受，请刷新页面后重新填写。"


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _large(request: HttpRequest) -> bool:
    return request.COOKIES.get(LARGE_TEXT_COOKIE) == "1"


def _json_error(code: str, message: str, status: int, field: str = "") -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, "field": field}}, status=status)


def _page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    context = {"large": _large(request), **context}
    response = render(request, template, context, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _notice(
    request: HttpRequest, code: str, *, title: str, message: str, status: int, **extra: Any
) -> HttpResponse:
    if _wants_json(request):
        return _json_error(extra.pop("error_code", "refused"), message, status)
    context = {"code": code, "title": title, "message": message, "status": status, **extra}
    return _page(request, "ratings/rate_notice.html", context, status)


def _gone(request: HttpRequest, code: str, target: Target) -> HttpResponse:
    """A retired or expired poster: rate nothing, say where to rate instead."""
    window = target.window
    hall = window.hall.name if window is not None else ""
    why = "已停用" if target.state == "retired" else "已过期"
    message = (
        f"这张二维码{why}，不能再用于评价。请扫描窗口处张贴的最新二维码；"
        f"如找不到，可拨打12345政务服务便民热线，或到{hall or '大厅'}服务台反映。"
    )
    return _notice(
        request,
        code,
        title=f"二维码{why}",
        message=message,
        status=410,
        error_code=target.state,
        window=window,
        hall=hall,
        gone=True,
    )


def _record_kind(record: Any) -> str | None:
    """The kind of rating a receipt code takes now: the first rating, then one follow-up (追加评价) — e.g. the
    reasons and comment after an SMS reply — then nothing more (None)."""
    kinds = set(Rating.objects.filter(record=record, stage=RECORD_STAGE).values_list("kind", flat=True))
    if Rating.Kind.FIRST not in kinds:
        return Rating.Kind.FIRST
    if Rating.Kind.FOLLOW_UP not in kinds:
        return Rating.Kind.FOLLOW_UP
    return None


def _describe(target: Target) -> dict[str, Any]:
    """Who and what is being rated, as the page shows it: window, unit, staff name on duty, the service item."""
    record, window = target.record, target.window
    if record is not None:
        staff = record.staff
        unit = record.unit
        item = record.item.name if record.item is not None else ""
    else:
        assert window is not None
        staff = staff_on_duty(window, timezone.now())
        unit = window.unit
        item = ""
    return {
        "window": window,
        "unit": unit,
        "staff_name": staff.name if staff is not None else "",
        "item": item,
        "record": record,
    }


@csrf_exempt  # formtoken.refusal instead: no cookie, and the same check as the lean intake's
@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, code: str) -> HttpResponse:
    target = target_by_code(code)
    if target is None:
        return _notice(
            request, code, title="评价码不存在", message=MSG_NOT_FOUND, status=404, error_code="not_found"
        )
    if target.state != "ok":
        return _gone(request, code, target)
    kind = _record_kind(target.record) if target.record is not None else Rating.Kind.FIRST
    if kind is None:
        return _notice(
            request, code, title="已评价", message=MSG_ALREADY, status=409, error_code="already_rated"
        )
    scale = deployment_scale()
    form = CitizenRatingForm(
        request.POST if request.method == "POST" else None, scale=scale, tag_groups=tags_by_level(scale)
    )
    status = 200
    general_error = ""
    refused = formtoken.refusal(request, code) if request.method == "POST" else None
    if refused is not None:
        if _wants_json(request):
            return _json_error(*refused, status=403)
        status, general_error = 403, refused[1]
    elif request.method == "POST":
        if request.POST.get(HONEYPOT, ""):
            return _notice(request, code, title="提交未被接受", message=MSG_HONEYPOT, status=400)
        if form.is_valid():
            result = _submit(request, target, form, scale, kind)
            if isinstance(result, Rating):
                response = _thanks(request, code, target, result)
                ensure_device_cookie(request, response)
                return response
            if isinstance(result, AlreadyRated):
                return _notice(
                    request, code, title="已评价", message=result.message, status=409, error_code=result.code
                )
            status = result.status
            if result.field in FORM_FIELDS:
                form.add_error(result.field, result.message)
            else:
                general_error = result.message
            if _wants_json(request):
                return _json_error(result.code, result.message, status, result.field)
        else:
            status = 422
            if _wants_json(request):
                field, messages = next(iter(form.errors.items()))
                return _json_error("invalid", str(messages[0]), status, "" if field == "__all__" else field)
    context = {
        "code": code,
        "scale": scale,
        "general_error": general_error,
        "follow_up": kind == Rating.Kind.FOLLOW_UP,
        "form_token": formtoken.issue(code),
        **_describe(target),
        **form_view(form),
    }
    response = _page(request, "ratings/rate_form.html", context, status)
    ensure_device_cookie(request, response)
    return response


def _submit(
    request: HttpRequest, target: Target, form: CitizenRatingForm, scale: scales.Scale, kind: str
) -> Rating | RatingError:
    try:
        return adapter.submit(request, target, form, scale, kind)
    except RatingError as exc:
        return exc


def thanks_json(rating: Rating) -> JsonResponse:
    """The JSON answer to a stored rating (this view's and the lean intake's)."""
    return JsonResponse(
        {"ok": True, "tracking_code": rating.tracking_code, "message": thanks_message(rating)}
    )


def _thanks(request: HttpRequest, code: str, target: Target, rating: Rating) -> HttpResponse:
    message = thanks_message(rating)
    if _wants_json(request):
        return thanks_json(rating)
    level = scales.level(rating.scale, rating.level)
    context = {"code": code, "rating": rating, "level": level, "message": message, **_describe(target)}
    return _page(request, "ratings/rate_thanks.html", context)


@require_http_methods(["GET"])
def text_size(request: HttpRequest, code: str) -> HttpResponse:
    """适老化: the large-text toggle. A cookie, not an account setting — citizens have no account."""
    response = HttpResponseRedirect(reverse("rate:rate", args=[code]))
    if request.GET.get("large") == "1":
        response.set_cookie(
            LARGE_TEXT_COOKIE,
            "1",
            max_age=LARGE_TEXT_AGE,
            samesite="Lax",
            secure=request.is_secure(),
            httponly=True,
        )
    else:
        response.delete_cookie(LARGE_TEXT_COOKIE, samesite="Lax")
    return response
