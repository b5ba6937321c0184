"""negative_share: 差评 ≥ 20 % of ≥ 10 active ratings in the last 72 hours, per unit and per window."""

from __future__ import annotations

from datetime import timedelta

from alerts_builders import NOW

from pingyi.alerts.evaluate import alerts_evaluate
from pingyi.alerts.models import Alert, AlertKind, AlertRule
from pingyi.alerts.services import rule_create, rule_update
from pingyi.tickets.choices import State
from pingyi.tickets.models import Ticket
from pingyi.tickets.services import ticket_open_for_rating

KIND = [AlertKind.NEGATIVE_SHARE]


def _alerts() -> dict[str, Alert]:
    return {a.subject_key: a for a in Alert.objects.filter(kind=AlertKind.NEGATIVE_SHARE)}


def test_three_negative_of_ten_in_the_last_three_days_raise_an_alert_for_the_window_and_its_unit(
    world, plant
):
    plant.ratings_at(world.window_a, NOW - timedelta(hours=30), [5, 5, 2, 5, 4, 1, 5, 5, 2, 5])
    plant.save()

    alerts_evaluate(NOW, kinds=KIND)

    found = _alerts()
    assert set(found) == {f"unit:{world.unit_a.pk}", f"window:{world.window_a.pk}"}
    window = found[f"window:{world.window_a.pk}"]
    assert window.unit == world.unit_a and window.status == Alert.Status.OPEN
    assert (
        window.evidence["ratings"] == 10
        and window.evidence["negative"] == 3
        and window.evidence["share"] == 30.0
    )
    assert "差评 3 条（30.0%）" in window.summary


def test_the_same_ratings_four_days_ago_raise_nothing(world, plant):
    plant.ratings_at(world.window_a, NOW - timedelta(hours=73), [5, 5, 2, 5, 4, 1, 5, 5, 2, 5])
    plant.save()

    alerts_evaluate(NOW, kinds=KIND)

    assert _alerts() == {}


def test_nine_ratings_are_too_few_to_judge(world, plant):
    plant.ratings_at(world.window_b, NOW - timedelta(hours=5), [2, 2, 2, 5, 5, 5, 5, 5, 5])
    plant.save()

    alerts_evaluate(NOW, kinds=KIND)

    assert _alerts() == {}


def test_default_ratings_do_not_count_towards_the_sample(world, plant):
    # Counted, the two default ratings would make ten with two 差评 (20 %); without them eight are too few.
    plant.ratings_at(world.window_b, NOW - timedelta(hours=5), [2, 2, 5, 5, 5, 5, 5, 5])
    for i in range(2):
        plant.rating(world.window_b, NOW - timedelta(hours=4, minutes=i), level5=3, default=True)
    plant.save()

    alerts_evaluate(NOW, kinds=KIND)

    assert _alerts() == {}


def test_a_revoked_negative_rating_counts_neither_way(world, plant):
    plant.ratings_at(world.window_b, NOW - timedelta(hours=5), [2, 2, 5, 5, 5, 5, 5, 5, 5, 5])
    plant.save()
    alerts_evaluate(NOW, kinds=KIND)
    assert f"window:{world.window_b.pk}" in _alerts()  # two of ten: exactly 20 %

    first_negative = world.window_b.ratings.filter(negative=True).order_by("id").first()
    ticket = ticket_open_for_rating(first_negative)
    # The appeal ended in revocation (the workflow itself is tested in tests/tickets).
    Ticket.objects.filter(pk=ticket.pk).update(revoked=True, state=State.CLOSED)
    alerts_evaluate(NOW + timedelta(minutes=15), kinds=KIND)

    assert all(a.cleared_at is not None for a in _alerts().values())


def test_a_unit_rule_with_a_higher_threshold_replaces_the_district_rule_for_that_unit(world, plant):
    inspector = world.users["inspector"]
    alerts_evaluate(NOW, kinds=KIND)  # creates the district defaults
    rule = rule_create(actor=inspector, kind=AlertKind.NEGATIVE_SHARE, unit=world.unit_a, values={})
    rule_update(
        actor=inspector, rule=rule, values={"enabled": True, "percent": 40, "hours": 72, "min_ratings": 10}
    )
    plant.ratings_at(world.window_a, NOW - timedelta(hours=30), [5, 5, 2, 5, 4, 1, 5, 5, 2, 5])
    plant.ratings_at(world.window_b, NOW - timedelta(hours=30), [5, 5, 2, 5, 4, 1, 5, 5, 2, 5])
    plant.save()

    alerts_evaluate(NOW, kinds=KIND)

    assert set(_alerts()) == {f"unit:{world.unit_b.pk}", f"window:{world.window_b.pk}"}
    assert {a.rule.unit_id for a in _alerts().values()} == {None}


def test_a_disabled_window_rule_silences_the_window_but_not_its_unit(world, plant):
    inspector = world.users["inspector"]
    alerts_evaluate(NOW, kinds=KIND)
    rule = rule_create(actor=inspector, kind=AlertKind.NEGATIVE_SHARE, window=world.window_a, values={})
    rule_update(
        actor=inspector, rule=rule, values={"enabled": False, "percent": 20, "hours": 72, "min_ratings": 10}
    )
    plant.ratings_at(world.window_a, NOW - timedelta(hours=30), [5, 5, 2, 5, 4, 1, 5, 5, 2, 5])
    plant.save()

    alerts_evaluate(NOW, kinds=KIND)

    assert set(_alerts()) == {f"unit:{world.unit_a.pk}"}
    assert AlertRule.objects.filter(kind=AlertKind.NEGATIVE_SHARE, district=world.district).count() == 2
