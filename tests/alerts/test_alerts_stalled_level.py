"""stalled_level: a level with no rating in the last 5 working days where the 40 working days before it expected at
least 5 (the app that silently refused low ratings, domain.md §9 item 1).

Evaluated on Wednesday 16 September 2026 at 10:00: the span starts on Wednesday the 9th at 00:00.
"""

from __future__ import annotations

from datetime import date

from alerts_builders import NOW, at, working_days_before

from pingyi.alerts.evaluate import alerts_evaluate
from pingyi.alerts.models import Alert, AlertKind

KIND = [AlertKind.STALLED_LEVEL]
SPAN_START = date(2026, 9, 9)
SPAN = [date(2026, 9, 9), date(2026, 9, 10), date(2026, 9, 11), date(2026, 9, 14), date(2026, 9, 15)]
USUAL = [5, 5, 5, 5, 5, 5, 4, 4, 4, 3]  # one 基本满意 in ten


def _plant(plant, window, history_levels, span_levels) -> None:
    for day in working_days_before(SPAN_START, 40):  # the baseline
        plant.ratings_at(window, at(day, 10), history_levels)
    for day in SPAN:
        plant.ratings_at(window, at(day, 10), span_levels)
    plant.save()


def _alerts() -> dict[str, Alert]:
    return {a.subject_key: a for a in Alert.objects.filter(kind=AlertKind.STALLED_LEVEL)}


def test_a_level_that_stopped_while_the_others_went_on_raises_an_alert_for_window_unit_and_district(
    world, plant
):
    _plant(plant, world.window_a, USUAL, [5, 5, 5, 5, 5, 5, 4, 4, 4, 4])

    alerts_evaluate(NOW, kinds=KIND)

    found = _alerts()
    assert set(found) == {
        f"window:{world.window_a.pk}:level:3",
        f"unit:{world.unit_a.pk}:level:3",
        f"district:{world.district.pk}:level:3",
    }
    window = found[f"window:{world.window_a.pk}:level:3"]
    assert window.level == 3 and window.unit == world.unit_a
    assert window.evidence["level_label"] == "基本满意"
    assert window.evidence["span_ratings"] == 50 and window.evidence["history_ratings"] == 400
    assert window.evidence["history_level"] == 40 and window.evidence["expected"] == 5.0
    assert found[f"district:{world.district.pk}:level:3"].unit is None


def test_one_rating_at_that_level_means_it_still_moves(world, plant):
    _plant(plant, world.window_a, USUAL, [5, 5, 5, 5, 5, 5, 4, 4, 4, 4])
    plant.rating(world.window_a, at(date(2026, 9, 15), 16), level5=3)
    plant.save()

    alerts_evaluate(NOW, kinds=KIND)

    assert _alerts() == {}


def test_a_quiet_window_where_five_days_expect_only_two_and_a_half_is_not_judged(world, plant):
    # Half its ratings were 基本满意, but one rating a day for five days expects only 2.5 of them.
    _plant(plant, world.window_b, [5, 3], [5])

    alerts_evaluate(NOW, kinds=KIND)

    assert _alerts() == {}


def test_levels_are_named_on_the_three_level_scale_of_the_deployment(world, plant, settings):
    settings.PINGYI_RATING_SCALE = "three"
    # Wuhan's mapping: 5★ 满意, 4–3★ 基本满意, 2–1★ 不满意.
    _plant(plant, world.window_a, [5, 5, 5, 5, 5, 5, 5, 5, 4, 3], [5] * 10)

    alerts_evaluate(NOW, kinds=KIND)

    window = _alerts()[f"window:{world.window_a.pk}:level:2"]
    assert window.evidence["level_label"] == "基本满意"
    assert window.evidence["history_level"] == 80 and window.evidence["expected"] == 10.0
