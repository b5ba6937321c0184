"""The tables of a report, each also exportable on its own: units (or windows) ranked, tickets, top problems.

Every function takes the report's scope (a district, or one of its units) and period and returns an export ``Table``.
Ratings measures come from the insight cubes; tickets and findings, which are few, from their own tables.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count

from pingyi.catalog.models import Unit, Window
from pingyi.insight.cubes.grains import local_bounds
from pingyi.insight.metrics import (
    Period,
    Scope,
    Summary,
    TicketSummary,
    breakdown,
    ticket_summary,
    ticket_summary_by_unit,
)
from pingyi.insight.rankings import RankRow, rank_rows
from pingyi.inspections.models import VISIBLE_TO_UNIT, Finding
from pingyi.reports.exports import Column, Table
from pingyi.reports.figures import work_style_types
from pingyi.tickets.choices import Source, State, Verdict
from pingyi.tickets.models import Ticket


@dataclass(frozen=True)
class Where:
    """A report's scope and period."""

    district_id: int
    unit_id: int | None
    start: date
    end: date

    @property
    def scope(self) -> Scope:
        return Scope(district_id=self.district_id, unit_id=self.unit_id)

    @property
    def period(self) -> Period:
        return Period(start=self.start, end=self.end)


RATING_COLUMNS = [
    Column("收到评价", "int"),
    Column("主动评价", "int"),
    Column("系统默认评价", "int"),
    Column("差评", "int"),
    Column("差评经复核撤销", "int"),
    Column("群众满意率", "rate"),
    Column("核实后满意率", "rate"),
    Column("核实后样本量", "int"),
    Column("服务对象记录", "int"),
    Column("参评率", "rate"),
]


def rating_cells(s: Summary) -> list[Any]:
    return [
        s.ratings,
        s.active,
        s.default,
        s.negative,
        s.revoked,
        s.satisfaction,
        s.verified_satisfaction,
        s.active - s.revoked,
        s.records,
        s.participation,
    ]


def previous_period(where: Where) -> Period:
    """The period just before, of the same length: the months before when the period is whole months (last month
    for a monthly report, last year for a yearly one), else as many days before."""
    last = where.start - timedelta(days=1)
    whole_months = where.start.day == 1 and (where.end + timedelta(days=1)).day == 1
    if not whole_months:
        return Period(start=where.start - (where.end - where.start) - timedelta(days=1), end=last)
    months = (where.end.year - where.start.year) * 12 + where.end.month - where.start.month + 1
    first = where.start
    for _ in range(months):
        first = (first - timedelta(days=1)).replace(day=1)
    return Period(start=first, end=last)


def _rank_rows(scope: Scope, period: Period, by: str, places: list[tuple[Any, str]]) -> list[RankRow]:
    """Places ranked by insight's rule (``rankings.rank_rows``: satisfaction, a minimum sample, ties share a rank);
    a place of ``places`` without ratings is listed unranked, one rated in the period but retired since is kept."""
    found = {row.key: row for row in breakdown(scope, period, by) if row.key is not None}
    rows = [
        RankRow(None, key, label, found[key].summary if key in found else Summary(), None)
        for key, label in places
    ]
    listed = {key for key, _ in places}
    rows += [
        RankRow(None, key, row.label, row.summary, None) for key, row in found.items() if key not in listed
    ]
    for row in rows:
        rate = row.summary.satisfaction
        row.score = round(100 * rate, 2) if rate is not None else None
    return rank_rows(rows)


def ranked_table(where: Where) -> Table:
    """The district's units (a unit's report: its windows) ranked by satisfaction, with the previous period beside.

    For a month this is the published ranking (``insight.rankings.unit_ranking``) extended to any period."""
    if where.unit_id is None:
        places = [(u.pk, u.name) for u in Unit.objects.filter(district_id=where.district_id, active=True)]
        by, title, name = "unit", "单位排名", "units-ranked"
    else:
        places = [(w.pk, str(w)) for w in Window.objects.filter(unit_id=where.unit_id, active=True)]
        by, title, name = "window", "窗口排名", "windows-ranked"
    rows = _rank_rows(where.scope, where.period, by, places)
    before = {r.key: r for r in _rank_rows(where.scope, previous_period(where), by, places)}
    cells = []
    for row in rows:
        old = before.get(row.key)
        change = (
            round(row.score - old.score, 2)
            if old and row.score is not None and old.score is not None
            else None
        )
        cells.append(
            [
                row.rank,
                row.label,
                *rating_cells(row.summary),
                old.rank if old else None,
                old.summary.satisfaction if old else None,
                change,
            ]
        )
    return Table(
        name=name,
        title=title,
        columns=[
            Column("名次", "int"),
            Column("单位" if by == "unit" else "窗口"),
            *RATING_COLUMNS,
            Column("上期名次", "int"),
            Column("上期满意率", "rate"),
            Column("满意率变化（百分点）", "number"),
        ],
        rows=cells,
    )


def tickets_by_unit_table(where: Where) -> Table:
    """Tickets opened in the period per unit (insight's ticket summary), the scope's total last."""
    units = Unit.objects.filter(district_id=where.district_id)
    units = units.filter(pk=where.unit_id) if where.unit_id else units
    counted = ticket_summary_by_unit(where.scope, where.period)
    rows: list[list[Any]] = []
    for unit in units:
        t = counted.get(unit.pk)
        if t is not None:
            rows.append(_ticket_cells(unit.name, t))
    if where.unit_id is None:
        rows.append(_ticket_cells("合计", ticket_summary(where.scope, where.period)))
    return Table(
        name="tickets-by-unit",
        title="工单办理",
        columns=[
            Column("单位"),
            Column("立单", "int"),
            Column("已办结", "int"),
            Column("按期办结", "int"),
            Column("按期办结率", "rate"),
            Column("逾期未办结", "int"),
            Column("尚未办结", "int"),
            Column("差评撤销", "int"),
        ],
        rows=rows,
    )


def _ticket_cells(label: str, t: TicketSummary) -> list[Any]:
    return [label, t.opened, t.closed, t.closed_on_time, t.on_time_rate, t.overdue, t.open_now, t.revoked]


def _ticket_rows(where: Where) -> Iterator[list[Any]]:
    low, high = local_bounds(where.start, where.end)
    tickets = Ticket.objects.filter(district_id=where.district_id, opened_at__gte=low, opened_at__lt=high)
    if where.unit_id:
        tickets = tickets.filter(unit_id=where.unit_id)
    sources, states, verdicts = dict(Source.choices), dict(State.choices), dict(Verdict.choices)
    # Only these columns are read: never the citizen's phone, words or tracking code.
    fields = ("pk", "unit__name", "window__code", "source", "opened_at", "state", "verdict", "closed_at")
    for pk, unit, window, source, opened, state, verdict, closed, revoked, escalation in (
        tickets.order_by("opened_at", "pk").values_list(*fields, "revoked", "escalation").iterator()
    ):
        yield [
            f"T{pk}",
            unit,
            window or "",
            str(sources.get(source, source)),
            opened,
            str(states.get(state, state)),
            str(verdicts.get(verdict, "")) if verdict else "",
            closed,
            "是" if revoked else "",
            escalation,
        ]


def ticket_list_table(where: Where) -> Table:
    """Every ticket opened in the period, one row each (streams when exported)."""
    return Table(
        name="tickets",
        title="工单明细",
        columns=[
            Column("工单编号"),
            Column("单位"),
            Column("窗口"),
            Column("来源"),
            Column("立单时间", "datetime"),
            Column("状态"),
            Column("核实结论"),
            Column("办结时间", "datetime"),
            Column("差评撤销"),
            Column("督办次数", "int"),
        ],
        rows=_ticket_rows(where),
    )


def finding_types_table(where: Where) -> Table:
    """Confirmed findings of the period by type, the most frequent first (the same findings as the figures)."""
    low, high = local_bounds(where.start, where.end)
    found = Finding.objects.filter(
        inspection__district_id=where.district_id,
        confirmed=True,
        confirmed_at__gte=low,
        confirmed_at__lt=high,
    )
    if where.unit_id:
        found = found.filter(inspection__unit_id=where.unit_id, inspection__status__in=VISIBLE_TO_UNIT)
    work_style = set(work_style_types())
    grouped = (
        found.values("type__code", "type__name")
        .annotate(n=Count("id"), units=Count("inspection__unit_id", distinct=True))
        .order_by("-n", "type__code")
    )
    return Table(
        name="problems-by-type",
        title="问题类型",
        columns=[Column("问题类型"), Column("问题数", "int"), Column("涉及单位", "int"), Column("作风问题")],
        rows=[
            [g["type__name"], g["n"], g["units"], "是" if g["type__code"] in work_style else ""]
            for g in grouped
        ],
    )


def negative_items_table(where: Where, limit: int = 10) -> Table:
    """The service items with most 差评 in the period: the recurring problems behind the figures."""
    rows = [
        r for r in breakdown(where.scope, where.period, "item") if r.summary.negative and r.key is not None
    ]
    rows.sort(key=lambda r: (-r.summary.negative, r.label))
    return Table(
        name="items-most-negative",
        title="差评较多的事项",
        columns=[
            Column("事项"),
            Column("差评", "int"),
            Column("主动评价", "int"),
            Column("群众满意率", "rate"),
        ],
        rows=[[r.label, r.summary.negative, r.summary.active, r.summary.satisfaction] for r in rows[:limit]],
    )


# Every grouping of ``insight.metrics.breakdown`` (GROUPS), with its column heading.
BREAKDOWNS = {
    "hall": "大厅",
    "unit": "单位",
    "window": "窗口",
    "staff": "工作人员",
    "item": "事项",
    "channel": "渠道",
    "level": "星级",
}


def ratings_table(scope: Scope, period: Period, by: str) -> Table:
    """The ratings measures of a scope broken down by one dimension (an export of the dashboards' numbers)."""
    return Table(
        name=f"ratings-by-{by}",
        title=f"评价（按{BREAKDOWNS[by]}）",
        columns=[Column(BREAKDOWNS[by]), *RATING_COLUMNS],
        rows=[[row.label, *rating_cells(row.summary)] for row in breakdown(scope, period, by)],
    )


# The report's tables by key, for the export links of the reports page.
REPORT_TABLES = {
    "ranked": ranked_table,
    "tickets-by-unit": tickets_by_unit_table,
    "tickets": ticket_list_table,
    "problems": finding_types_table,
    "items": negative_items_table,
}
