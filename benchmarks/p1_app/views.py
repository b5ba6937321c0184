"""The benchmark's endpoints, served through pingyi's full middleware stack by the same gunicorn configuration.

``rate_json`` is what a QR channel does with a citizen's JSON answer: look the poster up, fingerprint the device and
network, call ``rating_submit``. ``rate_json_fast`` is the same view calling ``intake_sql.rating_submit_fast`` (one
SQL statement). ``rate_json_lean`` also looks the poster up with one raw query instead of the ORM (the same
condition: current, not retired, not expired), to show what is left once the ORM is out of the request.
``bare_insert`` does one INSERT and nothing else: the floor of the stack.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Literal

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from pingyi.catalog.models import Window
from pingyi.lib.scales import Channel, Scale
from pingyi.ratings.errors import RatingError
from pingyi.ratings.fingerprints import device_fingerprint, network_fingerprint
from pingyi.ratings.intake_sql import rating_submit_fast
from pingyi.ratings.models import QrPoster, Rating
from pingyi.ratings.services import RatingInput, rating_submit


@csrf_exempt
@require_POST
def rate_json(request: HttpRequest, token: str) -> JsonResponse:
    return _rate(request, token, rating_submit)


@csrf_exempt
@require_POST
def rate_json_fast(request: HttpRequest, token: str) -> JsonResponse:
    return _rate(request, token, rating_submit_fast)


@csrf_exempt
@require_POST
def rate_json_lean(request: HttpRequest, token: str) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w.id, w.unit_id FROM ratings_qrposter p JOIN catalog_window w ON w.id = p.window_id "
            "WHERE p.token = %s AND p.retired_at IS NULL AND p.expires_on >= %s",
            [token, timezone.localdate()],
        )
        row = cursor.fetchone()
    window = Window(id=row[0], unit_id=row[1]) if row else None
    return _rate(request, token, rating_submit_fast, window)


def _rate(
    request: HttpRequest,
    token: str,
    submit: Callable[[RatingInput], Rating],
    window: Window | None | Literal[False] = False,
) -> JsonResponse:
    if window is False:
        poster = (
            QrPoster.objects.select_related("window__unit")
            .filter(token=token, retired_at=None, expires_on__gte=timezone.localdate())
            .first()
        )
        window = poster.window if poster is not None else None
    if window is None:
        return JsonResponse({"error": "not_found"}, status=404)
    try:
        body = json.loads(request.body or b"{}")
        rating = submit(
            RatingInput(
                channel=Channel.QR,
                scale=Scale(settings.PINGYI_RATING_SCALE),
                level=int(body.get("level", 0)),
                window=window,
                tags=list(body.get("tags") or []),
                comment=str(body.get("comment") or ""),
                phone=str(body.get("phone") or ""),
                device_fp=device_fingerprint(request),
                network_fp=network_fingerprint(request),
            )
        )
    except (ValueError, TypeError):
        return JsonResponse({"error": "invalid"}, status=400)
    except RatingError as exc:
        return JsonResponse({"error": exc.code, "message": exc.message}, status=exc.status)
    return JsonResponse({"id": rating.pk, "tracking_code": rating.tracking_code}, status=201)


@csrf_exempt
@require_POST
def bare_insert(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO p1_bench (payload) VALUES (%s) RETURNING id", [request.body.decode()[:500]]
        )
        (row_id,) = cursor.fetchone()
    return JsonResponse({"id": row_id}, status=201)
