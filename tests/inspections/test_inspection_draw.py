"""The draw: candidates by rule, the seed and the picks stored, and the picks reproducible from what is stored."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from pingyi.audit.models import AuditEntry
from pingyi.catalog.models import Unit
from pingyi.inspections import draw as drawing
from pingyi.inspections.errors import Refused
from pingyi.inspections.models import Draw, Inspection
from pingyi.inspections.services.plans import draw_make, draw_redo
from pingyi.ledger.models import ServiceRecord
from tests.conftest import credit
from tests.inspections.conftest import make_plan


def _more_units(world, n: int) -> list[Unit]:
    return [
        Unit.objects.create(
            district=world.district,
            hall=world.hall,
            code=f"U1{k:02d}",
            name=f"测试单位{k}",
            credit_code=credit(100 + k),
        )
        for k in range(n)
    ]


def test_redoing_a_draw_with_the_stored_seed_and_candidates_gives_the_same_picks(world):
    _more_units(world, 12)
    plan = make_plan(world)
    made = draw_make(actor=world.users["inspector"], plan=plan, population="all", count=4)
    made = Draw.objects.get(pk=made.pk)  # what the database holds, not what the service returned
    assert len(made.seed) == 32 and len(made.candidates) == 15 and len(made.picks) == 4
    assert [c["code"] for c in made.candidates] == sorted(c["code"] for c in made.candidates)
    assert draw_redo(made) == made.picks
    # By hand, with nothing but SHA-256 and a sort, as the docs tell an auditor to do.
    by_hand = sorted(
        made.candidates, key=lambda c: hashlib.sha256(f"{made.seed}:{c['code']}".encode()).hexdigest()
    )
    assert [c["id"] for c in by_hand[:4]] == made.picks
    assert sorted(Inspection.objects.filter(draw=made).values_list("unit_id", flat=True)) == sorted(
        made.picks
    )
    entry = AuditEntry.objects.get(action="draw.make", object_id=str(made.pk))
    assert entry.after["seed"] == made.seed and len(entry.after["picks"]) == 4


def test_a_tampered_pick_no_longer_matches_the_recomputation_and_the_page_says_so(world):
    _more_units(world, 5)
    made = draw_make(actor=world.users["inspector"], plan=make_plan(world), population="all", count=2)
    page = world.client("inspector").get(f"/inspections/draws/{made.pk}/").content.decode()
    assert made.seed in page and "结果一致" in page
    unpicked = next(c["id"] for c in made.candidates if c["id"] not in made.picks)
    Draw.objects.filter(pk=made.pk).update(picks=[unpicked, made.picks[1]])
    assert draw_redo(Draw.objects.get(pk=made.pk)) != [unpicked, made.picks[1]]
    assert "不一致" in world.client("inspector").get(f"/inspections/draws/{made.pk}/").content.decode()


def test_different_seeds_pick_differently_and_the_same_seed_picks_the_same(world):
    candidates = [{"id": k, "code": f"U{k:03d}", "name": str(k)} for k in range(40)]
    assert drawing.pick("a", candidates, 5) == drawing.pick("a", list(reversed(candidates)), 5)
    assert len({tuple(drawing.pick(f"seed{s}", candidates, 5)) for s in range(20)}) > 15


def test_targeted_draw_takes_only_units_long_without_uploads(world):
    now = timezone.now()
    for unit, days_ago in ((world.unit_a, 3), (world.unit_b, 45)):
        record = ServiceRecord.objects.create(
            district=world.district, unit=unit, record_no=f"R{unit.pk}", received_at=now, source="manual"
        )
        ServiceRecord.objects.filter(pk=record.pk).update(entered_at=now - timedelta(days=days_ago))
    made = draw_make(
        actor=world.users["inspector"],
        plan=make_plan(world, kind="targeted"),
        population="quiet",
        count=2,
        quiet_days=30,
    )
    codes = {c["code"] for c in made.candidates}
    assert codes == {
        world.unit_b.code,
        world.unit_sub.code,
    }  # unit A uploaded 3 days ago; unit_other is elsewhere
    assert made.params == {"quiet_days": 30}
    assert set(Inspection.objects.filter(draw=made).values_list("kind", flat=True)) == {"targeted"}


def test_a_draw_larger_than_the_population_is_refused_in_chinese(world):
    plan = make_plan(world)
    with pytest.raises(Refused, match="抽取数量应在 1 到 3"):
        draw_make(actor=world.users["inspector"], plan=plan, population="all", count=4)
    response = world.client("inspector").post(
        f"/inspections/plans/{plan.pk}/draw/", {"population": "all", "count": 9}
    )
    assert (
        response.status_code == 400 and "抽取数量应在 1 到 3（候选单位数）之间" in response.content.decode()
    )
    assert not Draw.objects.exists()


def test_only_inspectors_of_the_district_draw(world):
    plan = make_plan(world)
    for who in ("unit_a", "hall_manager", "outsider", "operator"):
        response = world.client(who).post(
            f"/inspections/plans/{plan.pk}/draw/", {"population": "all", "count": 1}
        )
        assert response.status_code == 404, who
    assert (
        world.client("root")
        .post(f"/inspections/plans/{plan.pk}/draw/", {"population": "all", "count": 1})
        .status_code
        == 302
    )
