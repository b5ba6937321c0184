"""Reports: a year of raw rows in the two-unit district (and some in the other district and outside the year).

Rows are written straight to their tables with chosen dates, so that every figure has rows that must count and rows
that must not: outside the period, in the other district, unconfirmed, unannounced, default ratings, revoked 差评.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from pingyi.accountability.models import AccountabilityRecord, Mechanism, SanctionType
from pingyi.catalog.models import Unit
from pingyi.insight.cubes.rollups import rollups_refresh
from pingyi.inspections.choices import Kind, Status
from pingyi.inspections.finding_types import load_finding_types
from pingyi.inspections.models import Finding, FindingType, Inspection, Rectification
from pingyi.ledger.models import ServiceRecord
from pingyi.ratings.models import Rating
from pingyi.tickets.choices import Source, State, Verdict
from pingyi.tickets.models import Ticket

TZ = ZoneInfo("Asia/Shanghai")
YEAR = 2026
CALLBACK_PHONE = "13912345678"
_codes = itertools.count(1)


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=TZ)


def inspection(world: Any, unit: Unit, started: date | None, status: str) -> Inspection:
    return Inspection.objects.create(
        district=unit.district, unit=unit, kind=Kind.RANDOM, status=status, started_on=started
    )


def finding(insp: Inspection, code: str, confirmed: date | None) -> Finding:
    return Finding.objects.create(
        inspection=insp,
        type=FindingType.objects.get(code=code),
        description=f"{code} 问题",
        confirmed=confirmed is not None,
        confirmed_at=at(confirmed) if confirmed else None,
    )


def ticket(unit: Unit, source: str, opened: date, *, closed: date | None = None, **extra: Any) -> Ticket:
    t = Ticket(
        tracking_code=f"RPT{next(_codes):05d}",
        district=unit.district,
        unit=unit,
        source=source,
        summary="群众反映问题",
        opened_at=at(opened),
        state=State.CLOSED if closed else State.OPEN,
        closed_at=at(closed, 16) if closed else None,
        **extra,
    )
    t.set_phone(CALLBACK_PHONE)
    t.save()
    return t


def rate(unit: Unit, window: Any, day: date, level5: int, *, default: bool = False) -> Rating:
    return Rating.objects.create(
        district=unit.district,
        unit=unit,
        window=window,
        channel="default" if default else "qr",
        scale="five",
        level=level5,
        level5=level5,
        negative=level5 <= 2,
        is_default=default,
        rated_at=at(day),
    )


def decide(world: Any, unit: Unit, sanction: str, decided: date, *, staff: Any = None, name: str = "") -> Any:
    return AccountabilityRecord.objects.create(
        district=unit.district,
        unit=unit,
        staff=staff,
        person_name=staff.name if staff else name,
        sanction=SanctionType.objects.get(code=sanction),
        reason="违反评议纪律",
        decided_on=decided,
        decided_by=world.users["inspector"],
    )


@dataclass
class Year:
    world: Any
    tickets: dict[str, Ticket]


@pytest.fixture
def year(world: Any) -> Year:
    load_finding_types(FindingType)
    a, b, other = world.unit_a, world.unit_b, world.unit_other
    # Inspections: closed with a rectification accepted in April; unannounced and still in progress; started the
    # year before with a finding confirmed in January; only planned; one in the other district.
    i1 = inspection(world, a, date(YEAR, 3, 2), Status.CLOSED)
    Rectification.objects.create(inspection=i1, deadline=date(YEAR, 4, 20), closed_at=at(date(YEAR, 4, 10)))
    f_under = finding(i1, "under_reporting", date(YEAR, 3, 5))
    finding(i1, "late_early", date(YEAR, 3, 5))
    finding(i1, "qr_hidden", None)  # never confirmed
    i2 = inspection(world, b, date(YEAR, 6, 1), Status.IN_PROGRESS)
    f_late_b = finding(i2, "late_early", date(YEAR, 6, 2))
    i3 = inspection(world, b, date(YEAR - 1, 12, 20), Status.FEEDBACK_SENT)
    Rectification.objects.create(inspection=i3, deadline=date(YEAR, 2, 1))
    finding(i3, "false_reporting", date(YEAR, 1, 5))
    inspection(world, a, None, Status.PLANNED)
    i5 = inspection(world, other, date(YEAR, 3, 1), Status.CLOSED)
    Rectification.objects.create(inspection=i5, deadline=date(YEAR, 4, 1), closed_at=at(date(YEAR, 3, 20)))
    finding(i5, "late_early", date(YEAR, 3, 3))

    # Ratings: unit A 6 active (1 negative, revoked), 2 default; unit B 5 active (2 negative); last year; elsewhere.
    r_a = [
        rate(a, world.window_a, date(YEAR, 5, d), lv) for d, lv in [(1, 5), (2, 5), (3, 4), (4, 3), (5, 5)]
    ]
    r_a_neg = rate(a, world.window_a, date(YEAR, 5, 6), 1)
    rate(a, world.window_a, date(YEAR, 5, 7), 4, default=True)
    rate(a, world.window_a, date(YEAR, 5, 8), 4, default=True)
    r_b = [rate(b, world.window_b, date(YEAR, 6, d), lv) for d, lv in [(1, 5), (2, 5), (3, 5)]]
    r_b_neg = [rate(b, world.window_b, date(YEAR, 6, 4), 2), rate(b, world.window_b, date(YEAR, 6, 5), 1)]
    rate(a, world.window_a, date(YEAR - 1, 12, 31), 1)
    rate(other, world.window_other, date(YEAR, 5, 1), 5)
    assert len(r_a) + len(r_b) == 8
    for n, (unit, window) in enumerate(
        [(a, world.window_a)] * 9 + [(b, world.window_b)] * 7 + [(other, None)] * 3
    ):
        ServiceRecord.objects.create(
            district=unit.district,
            unit=unit,
            window=window,
            record_no=f"R{n}",
            received_at=at(date(YEAR, 5, 1 + n % 20)),
            source=ServiceRecord.Source.MANUAL,
        )

    # Tickets: two 差评 handled this year (one revoked after appeal), one still open, a help request, last year's.
    tickets = {
        "true_b": ticket(b, Source.RATING, date(YEAR, 6, 4), closed=date(YEAR, 6, 9), rating=r_b_neg[0],
                         verdict=Verdict.TRUE, window=world.window_b),
        "revoked_a": ticket(a, Source.RATING, date(YEAR, 5, 6), closed=date(YEAR, 8, 1), rating=r_a_neg,
                            verdict=Verdict.UNTRUE, revoked=True, window=world.window_a),
        "open_b": ticket(b, Source.RATING, date(YEAR, 6, 5), rating=r_b_neg[1], window=world.window_b),
        "help_a": ticket(a, Source.HELP, date(YEAR, 4, 28), closed=date(YEAR, 5, 1)),
        "old_a": ticket(a, Source.RATING, date(YEAR - 1, 12, 31), closed=date(YEAR - 1, 12, 31)),
        "other": ticket(other, Source.RATING, date(YEAR, 5, 2), closed=date(YEAR, 5, 3)),
    }  # fmt: skip

    # Accountability: 龙强 twice (once formally), 吴某 on the same ticket, 周某 on a finding; last year's; elsewhere.
    decide(world, b, "GV01", date(YEAR, 6, 10), staff=world.staff_b).tickets.add(tickets["true_b"])
    decide(world, b, "OR02", date(YEAR, 7, 1), staff=world.staff_b).findings.add(f_late_b)
    decide(world, b, "OR02", date(YEAR, 6, 10), name="吴某").tickets.add(tickets["true_b"])
    decide(world, a, "OR02", date(YEAR, 3, 10), name="周某").findings.add(f_under)
    decide(world, a, "PT01", date(YEAR - 1, 12, 30), name="李某")
    decide(world, other, "GV01", date(YEAR, 3, 30), staff=world.staff_other)

    for unit, adopted in [(b, date(YEAR, 7, 15)), (a, date(YEAR, 4, 1)), (a, date(YEAR - 1, 11, 1))]:
        Mechanism.objects.create(
            district=unit.district,
            unit=unit,
            title="考勤制度",
            description="完善窗口考勤",
            adopted_on=adopted,
            recorded_by=world.users["inspector"],
        )
    rollups_refresh()
    return Year(world, tickets)
