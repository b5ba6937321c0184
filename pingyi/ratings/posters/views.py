"""Back-office pages for windows' QR posters: the list with scan counts, issuing a new version, SVG and PDF."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from pingyi.accounts.roles import signed_in
from pingyi.accounts.scopes import can_edit, can_view, restrict
from pingyi.catalog.models import Window
from pingyi.lib.scales import Channel
from pingyi.ratings.models import QrPoster
from pingyi.ratings.posters.render import poster_pdf, poster_svg, poster_url
from pingyi.ratings.posters.services import poster_issue

SCAN_DAYS = 30
SOON_DAYS = 30


@dataclass
class PosterRow:
    window: Window
    poster: QrPoster | None
    scans: int
    expired: bool
    expires_soon: bool
    url: str


def _row(window: Window, today: date) -> PosterRow:
    live: list[QrPoster] = getattr(window, "live_posters", [])
    poster = live[0] if live else None
    expired = poster is not None and poster.expires_on < today
    soon = poster is not None and not expired and poster.expires_on <= today + timedelta(days=SOON_DAYS)
    return PosterRow(
        window=window,
        poster=poster,
        scans=int(getattr(window, "scans", 0)),
        expired=expired,
        expires_soon=soon,
        url=poster_url(poster) if poster else "",
    )


@login_required
@require_GET
def poster_list(request: HttpRequest) -> HttpResponse:
    if not can_view(request.user, QrPoster):
        raise Http404
    since = timezone.now() - timedelta(days=SCAN_DAYS)
    windows = (
        restrict(Window.objects.filter(active=True), request.user)
        .select_related("unit", "hall")
        .annotate(
            scans=Count("ratings", filter=Q(ratings__channel=Channel.QR.value, ratings__rated_at__gte=since))
        )
        .prefetch_related(
            Prefetch(
                "posters",
                queryset=QrPoster.objects.filter(retired_at__isnull=True).order_by("-version"),
                to_attr="live_posters",
            )
        )
        .order_by("hall__code", "code")
    )
    query = request.GET.get("q", "").strip()
    if query:
        windows = windows.filter(
            Q(name__icontains=query) | Q(code__icontains=query) | Q(unit__name__icontains=query)
        )
    page = Paginator(windows, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "page": page,
        "rows": [_row(w, today) for w in page],
        "query": query,
        "querystring": params.urlencode(),
        "can_issue": can_edit(request.user, QrPoster),
        "scan_days": SCAN_DAYS,
    }
    return render(request, "ratings/poster_list.html", context)


@login_required
@require_POST
def poster_issue_view(request: HttpRequest, window_id: int) -> HttpResponse:
    # A window outside the user's scope is simply not there (404), whatever the role.
    window = get_object_or_404(restrict(Window.objects.select_related("unit"), request.user), pk=window_id)
    if not can_edit(request.user, QrPoster):
        raise PermissionDenied("您的角色不能印发二维码海报")
    poster = poster_issue(actor=signed_in(request), window=window)
    messages.success(
        request,
        f"已为“{window.name}”印发第 {poster.version} 版海报（有效期至 {poster.expires_on:%Y-%m-%d}），"
        "旧版二维码即刻停用，请尽快张贴新海报。",
    )
    return redirect("posters:poster_list")


def _poster_in_scope(request: HttpRequest, pk: int) -> QrPoster:
    posters = restrict(QrPoster.objects.select_related("window__unit", "window__hall"), request.user)
    return get_object_or_404(posters, pk=pk, retired_at__isnull=True)


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def poster_svg_view(request: HttpRequest, pk: int) -> HttpResponse:
    poster = _poster_in_scope(request, pk)
    filename = f"评价二维码-{poster.window.code}-v{poster.version}.svg"
    return _download(poster_svg(poster).encode(), "image/svg+xml; charset=utf-8", filename)


@login_required
@require_GET
def poster_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    poster = _poster_in_scope(request, pk)
    filename = f"评价二维码-{poster.window.code}-v{poster.version}.pdf"
    return _download(poster_pdf(poster), "application/pdf", filename)
