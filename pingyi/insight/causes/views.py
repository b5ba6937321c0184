"""原因分析: the root-cause page of a period, a unit and an item, in the user's scope."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from pingyi.accounts.models import Role
from pingyi.accounts.roles import Someone, has_role, is_superuser
from pingyi.accounts.scopes import can_view, restrict
from pingyi.catalog.models import ServiceItem, Unit
from pingyi.insight.causes.analysis import Causes, causes
from pingyi.insight.causes.base import Selection, Voice, default_selection, thresholds
from pingyi.insight.filters import FIRST_YEAR, LAST_YEAR
from pingyi.ratings.models import Rating

COMMENTS_PER_PAGE = 50
TOPIC_EXAMPLES = 3


def _may_view(user: Someone) -> bool:
    # Operators read only the ratings they entered; the causes of a unit are not theirs to analyse.
    return can_view(user, Rating) and (is_superuser(user) or not has_role(user, [Role.OPERATOR]))


def _date(raw: str | None) -> date | None:
    try:
        day = date.fromisoformat(raw or "")
    except ValueError:
        return None
    return day if FIRST_YEAR <= day.year <= LAST_YEAR else None


def _id(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isascii() and raw.isdigit() and len(raw) < 19 else None


def _selection(request: HttpRequest) -> tuple[Selection, str]:
    """The selection asked for, with a notice when the period was cut; 404 for a unit or item outside the scope."""
    default, th = default_selection(), thresholds()
    start = _date(request.GET.get("start")) or default.start
    end = _date(request.GET.get("end")) or default.end
    if end < start:
        start, end = end, start
    notice = ""
    if (end - start).days + 1 > th.max_days:
        start = end - timedelta(days=th.max_days - 1)
        notice = _("期间最长 %(days)s 天，已改为从 %(start)s 起") % {"days": th.max_days, "start": start}
    units = restrict(Unit.objects.all(), request.user)
    unit_id, item_id = _id(request.GET.get("unit")), _id(request.GET.get("item"))
    if unit_id is not None and not units.filter(pk=unit_id).exists():
        raise Http404
    if item_id is not None:
        item = ServiceItem.objects.filter(pk=item_id, unit__in=units).first()
        if item is None or (unit_id is not None and item.unit_id != unit_id):
            raise Http404
        unit_id = item.unit_id  # reads the (unit, rated_at) index
    return Selection(start, end, unit_id, item_id), notice


def _comment_rows(result: Causes, voices: list[Voice]) -> list[dict[str, Any]]:
    units = {row.key: row.label for row in result.units}
    items = {row.key: row.label for row in result.items}
    return [
        {
            "day": voice.day,
            "unit": units.get(voice.unit_id, ""),
            "item": items.get(voice.item_id, "") if voice.item_id is not None else "",
            "negative": voice.negative,
            "tags": [result.labels.get(key, key[1]) for key in voice.tags],
            "comment": voice.comment,
        }
        for voice in voices
    ]


@login_required
def causes_page(request: HttpRequest) -> HttpResponse:
    if not _may_view(request.user):
        raise Http404
    selection, notice = _selection(request)
    result = causes(request.user, selection)
    word = request.GET.get("word", "").strip()
    commented = [voice for voice in result.voices if voice.comment.strip()]
    if word:
        commented = [voice for voice in commented if word in voice.words]
    page = Paginator(commented, COMMENTS_PER_PAGE).get_page(request.GET.get("page"))
    topics = [
        (topic, _comment_rows(result, [v for v in result.voices if topic.word in v.words][:TOPIC_EXAMPLES]))
        for topic in result.keywords.topics
    ]
    params = request.GET.copy()
    params.pop("page", None)
    base = params.copy()
    for key in ("word", "item"):
        base.pop(key, None)
    item_choices = [(row.key, row.label) for row in sorted(result.items, key=lambda r: r.label)]
    return render(
        request,
        "insight/causes.html",
        {
            "result": result,
            "selection": selection,
            "notice": notice,
            "th": thresholds(),
            "word": word,
            "page": page,
            "comments": _comment_rows(result, list(page.object_list)),
            "topics": topics,
            "tag_tables": [
                (_("差评"), result.negative_tags, result.negative, "tags-negative"),
                (_("基本满意"), result.basic_tags, result.basic, "tags-basic"),
            ],
            "querystring": params.urlencode(),
            "base_query": base.urlencode(),
            "units": list(
                restrict(Unit.objects.all(), request.user).order_by("code").values_list("pk", "name")
            ),
            "items": item_choices,
            "unit_filter": str(selection.unit_id or ""),
            "item_filter": str(selection.item_id or ""),
        },
    )
