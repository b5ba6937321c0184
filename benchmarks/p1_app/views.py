"""The bare endpoint of the P1 benchmark, served through pingyi's full middleware stack: one INSERT, nothing else."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST


@csrf_exempt
@require_POST
def bare_insert(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO p1_bench (payload) VALUES (%s) RETURNING id", [request.body.decode()[:500]]
        )
        (row_id,) = cursor.fetchone()
    return JsonResponse({"id": row_id}, status=201)
