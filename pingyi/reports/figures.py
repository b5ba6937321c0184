"""The figures of a report (domain.md §7), computed from the data for a district or one unit over a period.

Every figure here has one definition, written in docs/reports.md; the public pages, the reports and the exports all
read them from ``period_figures`` / ``yearly_figures``. Periods are local days, both ends included. Ratings measures
come from the insight cubes (``pingyi.insight.metrics.summary``), never from the raw ratings.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q

from pingyi.accountability.models import AccountabilityRecord, Mechanism, SanctionType
from pingyi.catalog.models import ServiceItem, Unit, Window
from pingyi.insight.cubes.grains import local_bounds
from pingyi.inspections.models import VISIBLE_TO_UNIT, Finding, Inspection
from pingyi.tickets.choices import Source, State
from pingyi.tickets.models import Ticket

# Finding types that are 作风 problems (不担当、不作为、迟到早退 …) rather than breaches of the rating rules;
# a district that adds its own 作风 types names their codes in this setting.
DEFAULT_WORK_STYLE_TYPES = ("late_early",)

FORMAL_SANCTIONS = (SanctionType.Category.GOVERNMENT, SanctionType.Category.PARTY)


def work_style_types() -> tuple[str, ...]:
    return tuple(getattr(settings, "PINGYI_REPORT_WORK_STYLE_TYPES", DEFAULT_WORK_STYLE_TYPES))


@dataclass(frozen=True)
class Label:
    """How a figure is shown: its Chinese name, its measure word (个, 人 …; '%' for a rate) and what it counts."""

    text: str
    measure: str
    counts: str


LABELS: dict[str, Label] = {
    "inspections": Label("开展监督检查", "次", "期间内开始的监督检查（单位报告：仅计已向单位反馈的）"),
    "problems_found": Label("发现问题", "个", "期间内查实的检查发现问题"),
    "units_involved": Label("涉及参评单位", "家", "上述问题涉及的不同单位"),
    "work_style_problems": Label("作风问题", "个", "上述问题中属于作风问题类型的（如迟到早退）"),
    "people_held_accountable": Label("追责问责", "人", "期间内作出问责处理决定的人数（同一人只计一次）"),
    "people_formally_sanctioned": Label("其中党纪政务处分", "人", "上述人员中受到政务处分或党纪处分的人数"),
    "units_in_hall": Label("入驻大厅部门", "个", "现有在用窗口的参评单位（生成时的现状）"),
    "items_in_hall": Label("入驻大厅事项", "项", "有在用办理窗口的启用事项（生成时的现状）"),
    "problems_solved": Label("推动解决问题", "个", "期间内整改验收销号的检查中已查实的问题"),
    "mechanisms_built": Label("建立完善制度机制", "项", "期间内建立的制度机制"),
    "ratings": Label("收到评价", "条", "期间内的全部评价，含系统默认评价"),
    "active_ratings": Label("主动评价", "条", "群众主动作出的评价（不含系统默认评价）"),
    "default_ratings": Label("系统默认评价", "条", "超期未评由系统默认的评价，不计入满意率"),
    "satisfied_ratings": Label("满意评价", "条", "主动评价中的非差评"),
    "negative_ratings": Label("差评", "条", "主动评价中的不满意、非常不满意"),
    "revoked_ratings": Label("差评经复核撤销", "条", "差评的工单经申诉复核认定不属实而撤销的"),
    "service_records": Label("服务对象记录", "条", "期间内录入台账的办件"),
    "satisfaction": Label("群众满意率", "%", "满意评价 ÷ 主动评价"),
    "verified_satisfaction": Label("核实后满意率", "%", "满意评价 ÷（主动评价 − 撤销的差评）"),
    "verified_sample": Label("核实后满意率样本量", "条", "主动评价 − 撤销的差评"),
    "participation": Label("参评率", "%", "收到评价 ÷ 服务对象记录"),
    "negative_handled": Label("查处不满意评价", "条", "期间内办结的差评工单（含核实后撤销的）"),
    "accountable_from_ratings": Label(
        "因群众评价问责处理", "人", "追责问责人员中，问责依据包含工单（差评、投诉）的人数"
    ),
}


@dataclass(frozen=True)
class Figures:
    """The figures of one district (``unit_id`` None) or one unit over ``start``–``end`` (local days)."""

    district_id: int
    unit_id: int | None
    start: date
    end: date
    inspections: int
    problems_found: int
    units_involved: int
    work_style_problems: int
    people_held_accountable: int
    people_formally_sanctioned: int
    units_in_hall: int
    items_in_hall: int
    problems_solved: int
    mechanisms_built: int
    ratings: int
    active_ratings: int
    default_ratings: int
    satisfied_ratings: int
    negative_ratings: int
    revoked_ratings: int
    service_records: int
    satisfaction: float | None
    verified_satisfaction: float | None
    verified_sample: int
    participation: float | None
    negative_handled: int
    accountable_from_ratings: int

    def rows(self) -> list[tuple[str, str, Any, str]]:
        """(name, Chinese label, value, value as shown) for every figure, in the order of ``LABELS``."""
        return [(name, label.text, getattr(self, name), self.shown(name)) for name, label in LABELS.items()]

    def shown(self, name: str) -> str:
        value = getattr(self, name)
        label = LABELS[name]
        if label.measure == "%":
            return "—" if value is None else percent(value)
        return f"{value:,}{label.measure}"

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["start"], data["end"] = self.start.isoformat(), self.end.isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Figures:
        values = {f.name: data[f.name] for f in fields(cls)}
        values["start"], values["end"] = date.fromisoformat(data["start"]), date.fromisoformat(data["end"])
        return cls(**values)


def percent(rate: float) -> str:
    """A rate as the article prints it: 99.96%."""
    return f"{rate * 100:.2f}%"


def _in(field: str, start: date, end: date) -> Q:
    low, high = local_bounds(start, end)
    return Q(**{f"{field}__gte": low, f"{field}__lt": high})


def _people(district_id: int, unit_id: int | None, start: date, end: date) -> tuple[int, int, int]:
    """(people held accountable, of whom formally sanctioned, of whom on the grounds of a ticket).

    A person is the linked staff record when there is one, otherwise the name within its unit; one person with two
    decisions in the period counts once.
    """
    records = AccountabilityRecord.objects.filter(district_id=district_id, decided_on__range=(start, end))
    if unit_id is not None:
        records = records.filter(unit_id=unit_id)
    through = AccountabilityRecord.tickets.through
    rows = records.annotate(
        on_ticket=Exists(through.objects.filter(accountabilityrecord_id=OuterRef("pk")))
    ).values_list("staff_id", "unit_id", "person_name", "sanction__category", "on_ticket")
    people: set[tuple[Any, ...]] = set()
    sanctioned: set[tuple[Any, ...]] = set()
    from_tickets: set[tuple[Any, ...]] = set()
    for staff_id, record_unit, name, category, on_ticket in rows:
        person = ("staff", staff_id) if staff_id else ("name", record_unit, name.strip())
        people.add(person)
        if category in FORMAL_SANCTIONS:
            sanctioned.add(person)
        if on_ticket:
            from_tickets.add(person)
    return len(people), len(sanctioned), len(from_tickets)


def _ratings(district_id: int, unit_id: int | None, start: date, end: date) -> dict[str, Any]:
    from pingyi.insight.metrics import Period, Scope, summary

    s = summary(Scope(district_id=district_id, unit_id=unit_id), Period(start=start, end=end))
    return {
        "ratings": s.ratings,
        "active_ratings": s.active,
        "default_ratings": s.default,
        "satisfied_ratings": s.satisfied,
        "negative_ratings": s.negative,
        "revoked_ratings": s.revoked,
        "service_records": s.records,
        "satisfaction": s.satisfaction,
        "verified_satisfaction": s.verified_satisfaction,
        "verified_sample": s.active - s.revoked,
        "participation": s.participation,
    }


def period_figures(district_id: int, start: date, end: date, unit_id: int | None = None) -> Figures:
    """Every figure of the district (or of one of its units) over ``start``–``end``, both local days included."""
    by_unit: dict[str, Any] = {} if unit_id is None else {"unit_id": unit_id}
    inspections = Inspection.objects.filter(
        district_id=district_id, started_on__range=(start, end), **by_unit
    )
    found = Finding.objects.filter(
        _in("confirmed_at", start, end), inspection__district_id=district_id, confirmed=True
    )
    solved = Finding.objects.filter(
        _in("inspection__rectification__closed_at", start, end),
        inspection__district_id=district_id,
        confirmed=True,
    )
    if unit_id is not None:
        # A unit's report may be read by the unit: an inspection counts there once the unit has been told of it
        # (feedback sent), so that the figures never reveal an unannounced or unfinished one.
        inspections = inspections.filter(status__in=VISIBLE_TO_UNIT)
        found = found.filter(inspection__unit_id=unit_id, inspection__status__in=VISIBLE_TO_UNIT)
        solved = solved.filter(inspection__unit_id=unit_id)
    units = Unit.objects.filter(
        Exists(Window.objects.filter(unit_id=OuterRef("pk"), active=True)),
        district_id=district_id,
        active=True,
    )
    items = ServiceItem.objects.filter(
        Exists(Window.objects.filter(items=OuterRef("pk"), active=True)),
        district_id=district_id,
        active=True,
        unit__active=True,
    )
    if unit_id is not None:
        units = units.filter(pk=unit_id)
        items = items.filter(unit_id=unit_id)
    people, sanctioned, from_tickets = _people(district_id, unit_id, start, end)
    handled = Ticket.objects.filter(
        _in("closed_at", start, end),
        district_id=district_id,
        source=Source.RATING,
        state=State.CLOSED,
        **by_unit,
    )
    return Figures(
        district_id=district_id,
        unit_id=unit_id,
        start=start,
        end=end,
        inspections=inspections.count(),
        problems_found=found.count(),
        units_involved=found.values("inspection__unit_id").distinct().count(),
        work_style_problems=found.filter(type__code__in=work_style_types()).count(),
        people_held_accountable=people,
        people_formally_sanctioned=sanctioned,
        units_in_hall=units.count(),
        items_in_hall=items.count(),
        problems_solved=solved.count(),
        mechanisms_built=Mechanism.objects.filter(
            district_id=district_id, adopted_on__range=(start, end), **by_unit
        ).count(),
        negative_handled=handled.count(),
        accountable_from_ratings=from_tickets,
        **_ratings(district_id, unit_id, start, end),
    )


def yearly_figures(district_id: int, year: int, unit_id: int | None = None) -> Figures:
    """The figures of a calendar year (1 January – 31 December, local days)."""
    return period_figures(district_id, date(year, 1, 1), date(year, 12, 31), unit_id=unit_id)
