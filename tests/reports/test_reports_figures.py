"""Every figure of a report equals a recount from the raw rows, written here with plain ORM counts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from pingyi.accountability.models import AccountabilityRecord, Mechanism
from pingyi.catalog.models import ServiceItem, Unit
from pingyi.inspections.models import Finding, Inspection
from pingyi.ledger.models import ServiceRecord
from pingyi.ratings.models import Rating
from pingyi.reports.figures import period_figures, yearly_figures
from pingyi.tickets.models import Ticket
from tests.reports.conftest import YEAR, at

TOLD = ["feedback_sent", "rectifying", "closed"]  # statuses in which the unit knows of its inspection


def recount(district: Any, start: date, end: date, unit: Unit | None = None) -> dict[str, Any]:
    lo, hi = at(start, 0), at(end + timedelta(days=1), 0)
    on_unit = {"unit": unit} if unit else {}
    inspections = Inspection.objects.filter(
        district=district, started_on__gte=start, started_on__lte=end, **on_unit
    )
    found = Finding.objects.filter(
        inspection__district=district, confirmed=True, confirmed_at__gte=lo, confirmed_at__lt=hi
    )
    if unit:
        inspections = inspections.filter(status__in=TOLD)
        found = found.filter(inspection__unit=unit, inspection__status__in=TOLD)
    solved = Finding.objects.filter(
        inspection__district=district,
        confirmed=True,
        inspection__rectification__closed_at__gte=lo,
        inspection__rectification__closed_at__lt=hi,
    )
    if unit:
        solved = solved.filter(inspection__unit=unit)
    people, formal, on_tickets = set(), set(), set()
    for record in AccountabilityRecord.objects.filter(
        district=district, decided_on__gte=start, decided_on__lte=end, **on_unit
    ):
        person = record.staff_id or (record.unit_id, record.person_name)
        people.add(person)
        if record.sanction.category in ("government", "party"):
            formal.add(person)
        if record.tickets.exists():
            on_tickets.add(person)
    units = Unit.objects.filter(district=district, active=True, windows__active=True).distinct()
    items = ServiceItem.objects.filter(
        district=district, active=True, unit__active=True, windows__active=True
    ).distinct()
    if unit:
        units, items = units.filter(pk=unit.pk), items.filter(unit=unit)
    ratings = Rating.objects.filter(district=district, rated_at__gte=lo, rated_at__lt=hi, **on_unit)
    active = ratings.filter(is_default=False)
    satisfied = active.filter(negative=False).count()
    revoked = active.filter(negative=True, ticket__revoked=True).count()
    records = ServiceRecord.objects.filter(
        district=district, received_at__gte=lo, received_at__lt=hi, **on_unit
    )
    return {
        "inspections": inspections.count(),
        "problems_found": found.count(),
        "units_involved": len({f.inspection.unit_id for f in found}),
        "work_style_problems": found.filter(type__code="late_early").count(),
        "people_held_accountable": len(people),
        "people_formally_sanctioned": len(formal),
        "units_in_hall": units.count(),
        "items_in_hall": items.count(),
        "problems_solved": solved.count(),
        "mechanisms_built": Mechanism.objects.filter(
            district=district, adopted_on__gte=start, adopted_on__lte=end, **on_unit
        ).count(),
        "ratings": ratings.count(),
        "active_ratings": active.count(),
        "default_ratings": ratings.filter(is_default=True).count(),
        "satisfied_ratings": satisfied,
        "negative_ratings": active.filter(negative=True).count(),
        "revoked_ratings": revoked,
        "service_records": records.count(),
        "satisfaction": satisfied / active.count() if active.count() else None,
        "verified_satisfaction": satisfied / (active.count() - revoked) if active.count() - revoked else None,
        "verified_sample": active.count() - revoked,
        "participation": ratings.count() / records.count() if records.count() else None,
        "negative_handled": Ticket.objects.filter(
            district=district, source="rating", state="closed", closed_at__gte=lo, closed_at__lt=hi, **on_unit
        ).count(),
        "accountable_from_ratings": len(on_tickets),
    }


def computed(figures: Any) -> dict[str, Any]:
    return {name: value for name, _label, value, _shown in figures.rows()}


def test_district_year_equals_the_recount_and_the_rows_written(year: Any) -> None:
    district = year.world.district
    expected = recount(district, date(YEAR, 1, 1), date(YEAR, 12, 31))
    assert computed(yearly_figures(district.pk, YEAR)) == expected
    # The rows of the fixture reach every case (so that the recount is not trivially equal on zeros).
    assert {
        k: expected[k] for k in ("inspections", "problems_found", "units_involved", "work_style_problems")
    } == {
        "inspections": 2,  # the planned one, last year's and the other district's do not count
        "problems_found": 4,  # the unconfirmed one does not
        "units_involved": 2,
        "work_style_problems": 2,
    }
    assert (expected["people_held_accountable"], expected["people_formally_sanctioned"]) == (3, 1)
    assert (expected["accountable_from_ratings"], expected["negative_handled"]) == (2, 2)
    assert (expected["ratings"], expected["active_ratings"], expected["revoked_ratings"]) == (13, 11, 1)
    assert expected["satisfaction"] == pytest.approx(8 / 11)
    assert expected["verified_satisfaction"] == pytest.approx(8 / 10)
    assert (expected["problems_solved"], expected["mechanisms_built"], expected["items_in_hall"]) == (2, 2, 2)


def test_unit_figures_equal_the_recount_and_hide_an_unannounced_inspection(year: Any) -> None:
    world = year.world
    for unit in (world.unit_a, world.unit_b):
        expected = recount(world.district, date(YEAR, 1, 1), date(YEAR, 12, 31), unit)
        assert computed(yearly_figures(world.district.pk, YEAR, unit_id=unit.pk)) == expected
    unit_b = computed(yearly_figures(world.district.pk, YEAR, unit_id=world.unit_b.pk))
    # Unit B's inspection is still in progress: its admin's report must not know it, nor its 迟到早退 finding.
    assert (unit_b["inspections"], unit_b["work_style_problems"], unit_b["problems_found"]) == (0, 0, 1)


@pytest.mark.parametrize("month", [3, 5, 6, 8])
def test_monthly_figures_equal_the_recount(year: Any, month: int) -> None:
    world = year.world
    start = date(YEAR, month, 1)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    assert computed(period_figures(world.district.pk, start, end)) == recount(world.district, start, end)
    assert computed(period_figures(world.district.pk, start, end, unit_id=world.unit_a.pk)) == recount(
        world.district, start, end, world.unit_a
    )


def test_a_day_on_the_edge_of_the_period_counts_by_local_time(year: Any) -> None:
    """A 差评 ticket closed at 16:00 Beijing time on 9 June belongs to 9 June, not to the UTC day."""
    world = year.world
    assert period_figures(world.district.pk, date(YEAR, 6, 9), date(YEAR, 6, 9)).negative_handled == 1
    assert period_figures(world.district.pk, date(YEAR, 6, 10), date(YEAR, 6, 10)).negative_handled == 0
