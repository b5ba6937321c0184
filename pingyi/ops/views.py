"""The endpoints for the proxy, the process manager and the scraper: /healthz, /readyz and /metrics."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from pingyi.ops.health import readiness
from pingyi.ops.metrics.access import metrics_allowed
from pingyi.ops.metrics.exposition import CONTENT_TYPE, metrics_text


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. Touches no database, so a database outage never restarts the web tier."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness: every check with its detail; 503 when one fails. ``?check=database&check=disk`` runs only those
    (a balancer that takes a host out on failure should ask only for the checks that differ per host)."""
    checks = readiness(request.GET.getlist("check"))
    ok = all(check.ok for check in checks)
    body = {
        "status": "ok" if ok else "fail",
        "checks": {check.name: {"ok": check.ok, "detail": check.detail} for check in checks},
    }
    return JsonResponse(body, status=200 if ok else 503, json_dumps_params={"ensure_ascii": False})


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """The Prometheus text format, for a request with the bearer token (404 when no token is configured)."""
    allowed = metrics_allowed(request)
    if allowed is None:
        return HttpResponse(status=404)
    if not allowed:
        response = HttpResponse("unauthorized\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(metrics_text(), content_type=CONTENT_TYPE)
