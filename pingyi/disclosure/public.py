"""What the public pages show, computed once per request from the insight measures and the report figures.

Nothing here reads a person: measures come from ``pingyi.insight`` (rankings, summaries, ticket counts), the yearly
figures from ``pingyi.reports.figures``, bulletins from ``selectors``. The big screen's page and its JSON are the
same dictionary (``screen_data``), so what the hall sees after a refresh is what it saw on load.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

from pingyi.accounts.scopes import hall_subtree_ids
from pingyi.catalog.models import District, Hall, Unit, Window
from pingyi.disclosure.selectors import PublicBulletin, public_bulletins
from pingyi.insight.metrics import Period, Scope, Summary, breakdown, heatmap, summary, ticket_summary
from pingyi.insight.rankings import RankRow, min_sample, previous_month, shicha, unit_ranking
from pingyi.reports.figures import Figures, percent, yearly_figures

BULLETINS_SHOWN = 20
SCREEN_WINDOWS = 12
SCREEN_UNITS = 10


def previous_week(today: date) -> date:
    """The Monday of the last complete week (Monday to Sunday)."""
    return today - timedelta(days=today.weekday() + 7)


def rate(value: float | None) -> str:
    return "—" if value is None else percent(value)


def change_text(row: RankRow) -> str:
    """The month-on-month change of a unit's place: ↑2, ↓1, 持平, or — when it is not ranked in both months."""
    if row.rank is None or row.previous_rank is None:
        return "—"
    moved = row.previous_rank - row.rank
    if moved > 0:
        return f"↑{moved}"
    if moved < 0:
        return f"↓{-moved}"
    return gettext("持平")


def score_change_text(row: RankRow) -> str:
    """The change of the satisfaction rate since last month, in percentage points (+0.12)."""
    if row.change is None:
        return "—"
    return f"{row.change:+.2f}"


@dataclass(frozen=True)
class RankLine:
    """A ranked unit as the public page prints it."""

    rank: str  # "—" for a unit with too few ratings to be ranked
    unit_id: Any
    label: str
    rate: str
    sample: int
    negative: int
    move: str
    rate_change: str


def rank_lines(rows: list[RankRow]) -> list[RankLine]:
    return [
        RankLine(
            rank="—" if row.rank is None else str(row.rank),
            unit_id=row.key,
            label=row.label,
            rate=rate(row.summary.satisfaction),
            sample=row.summary.active,
            negative=row.summary.negative,
            move=change_text(row),
            rate_change="—" if row.rank is None else score_change_text(row),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class PublicPage:
    district: District
    year: int
    figures: Figures
    month: date
    ranking: list[RankLine]
    week_start: date
    shicha: list[RankLine]
    bulletins: list[PublicBulletin]
    halls: list[Hall]

    @property
    def min_sample(self) -> int:
        return min_sample()

    @property
    def week_end(self) -> date:
        return self.week_start + timedelta(days=6)

    @property
    def headline(self) -> dict[str, str]:
        """The rates shown large, as printed (99.96%), each beside its sample size on the page."""
        return {
            name: self.figures.shown(name)
            for name in ("satisfaction", "verified_satisfaction", "participation")
        }


def public_page(district: District, year: int | None = None, today: date | None = None) -> PublicPage:
    today = today or timezone.localdate()
    month, week = previous_month(today), previous_week(today)
    return PublicPage(
        district=district,
        year=year or today.year,
        figures=yearly_figures(district.pk, year or today.year),
        month=month,
        ranking=rank_lines(unit_ranking(district.pk, month)),
        week_start=week,
        shicha=rank_lines(shicha(district.pk, week)),
        bulletins=public_bulletins(district.pk, limit=BULLETINS_SHOWN),
        halls=list(Hall.objects.filter(district=district).order_by("parent_id", "code")),
    )


def _measures(s: Summary) -> dict[str, Any]:
    return {
        "ratings": s.ratings,
        "active": s.active,
        "satisfied": s.satisfied,
        "negative": s.negative,
        "satisfaction": s.satisfaction,
        "satisfaction_text": rate(s.satisfaction),
    }


def screen_data(hall: Hall, now: Any = None) -> dict[str, Any]:
    """Everything the hall's screen shows: today in the hall, its windows today, this month's tickets and ranks."""
    moment = timezone.localtime(now) if now else timezone.localtime()
    today = moment.date()
    scope = Scope(district_id=hall.district_id, hall_id=hall.pk)
    day = Period(start=today, end=today)
    month = Period(start=today.replace(day=1), end=today)
    windows = [row for row in breakdown(scope, day, "window") if row.key is not None][:SCREEN_WINDOWS]
    names = dict(Window.objects.filter(pk__in=[row.key for row in windows]).values_list("pk", "name"))
    tickets = ticket_summary(scope, month)
    halls = hall_subtree_ids(hall.pk)
    here = set(Unit.objects.filter(hall_id__in=halls).values_list("pk", flat=True))
    ranks = [row for row in unit_ranking(hall.district_id, month.start) if row.key in here][:SCREEN_UNITS]
    return {
        "hall": {"id": hall.pk, "code": hall.code, "name": hall.name},
        "date": today.isoformat(),
        "updated": moment.strftime("%H:%M"),
        "today": _measures(summary(scope, day)),
        "hours": heatmap(scope, day)[today.weekday()],
        "windows": [{"label": names.get(row.key, row.label), **_measures(row.summary)} for row in windows],
        "tickets": {
            "opened": tickets.opened,
            "closed": tickets.closed,
            "closed_on_time": tickets.closed_on_time,
            "open_now": tickets.open_now,
            "overdue": tickets.overdue,
            "revoked": tickets.revoked,
        },
        "month": month.start.isoformat(),
        "ranking": [
            {
                "rank": row.rank,  # None: too few ratings to be ranked
                "label": row.label,
                "satisfaction": row.summary.satisfaction,
                "satisfaction_text": rate(row.summary.satisfaction),
                "active": row.summary.active,
                "change": change_text(row),
            }
            for row in ranks
        ],
    }
