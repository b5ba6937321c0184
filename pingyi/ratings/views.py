"""The back-office list of ratings. Everyone sees their scope; only inspectors see the masked callback phone and
the integrity flags — staff and unit admins never see who rated them (no phone, device or network data)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from pingyi.accounts.roles import Someone, is_inspector
from pingyi.accounts.scopes import can_view, restrict
from pingyi.lib.scales import CHANNEL_LABELS
from pingyi.ratings.models import Rating, ReasonTag


def sees_evaluator_data(user: Someone) -> bool:
    return is_inspector(user)


@login_required
def rating_list(request: HttpRequest) -> HttpResponse:
    if not can_view(request.user, Rating):
        raise Http404
    ratings = restrict(Rating.objects.select_related("unit", "window", "staff"), request.user).order_by(
        "-rated_at"
    )
    level = request.GET.get("level", "")
    if level in {"1", "2", "3", "4", "5"}:
        ratings = ratings.filter(level5=int(level))
    if request.GET.get("negative") == "1":
        ratings = ratings.filter(negative=True)
    channel = request.GET.get("channel", "")
    if channel in {c.value for c in CHANNEL_LABELS}:
        ratings = ratings.filter(channel=channel)
    flagged = request.GET.get("flagged") == "1" and sees_evaluator_data(request.user)
    if flagged:
        ratings = ratings.exclude(flags=[])
    page = Paginator(ratings, 50).get_page(request.GET.get("page"))
    _attach_tag_labels(page.object_list)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "page": page,
        "querystring": params.urlencode(),
        "evaluator_data": sees_evaluator_data(request.user),
        "channels": [(c.value, label) for c, label in CHANNEL_LABELS.items()],
        "filters": {
            "level": level,
            "channel": channel,
            "negative": request.GET.get("negative", ""),
            "flagged": "1" if flagged else "",
        },
    }
    return render(request, "ratings/rating_list.html", context)


def _attach_tag_labels(ratings: Any) -> None:
    """Show reason tags by their words, not their codes (one query for the page)."""
    ratings = list(ratings)
    wanted = {(r.tag_version, code) for r in ratings for code in r.tags}
    labels = {
        (t.version, t.code): t.label
        for t in ReasonTag.objects.filter(
            code__in={code for _, code in wanted}, version__in={v for v, _ in wanted}
        )
    }
    for rating in ratings:
        rating.tag_labels = [labels.get((rating.tag_version, code), code) for code in rating.tags]
