"""The summary a page shows is rebuilt from the evidence: in Chinese it is word for word the stored summary (sent by
SMS and e-mail), in English it is English, for every kind of alert."""

from __future__ import annotations

import re
from datetime import date, timedelta

from alerts_builders import NOW, at, working_days_before
from django.utils import translation

from pingyi.alerts.evaluate import alerts_evaluate
from pingyi.alerts.models import Alert, AlertKind
from pingyi.tickets.services import ticket_open_for_rating

CJK = re.compile(r"[\u3400-\u9fff]")


def _plant_every_kind(world, plant) -> None:
    for i in range(4):  # silent_window: records and no rating since Friday the 11th
        for day in (date(2026, 9, 11), date(2026, 9, 14), date(2026, 9, 15)):
            plant.record(world.window_b, at(day, 9 + i, 10))
    for day in working_days_before(
        date(2026, 9, 9), 40
    ):  # stalled_level: 基本满意 stopped in the last 5 days
        plant.ratings_at(world.window_a, at(day, 10), [5, 5, 5, 5, 5, 5, 4, 4, 4, 3])
    for day in (date(2026, 9, 9), date(2026, 9, 10), date(2026, 9, 11), date(2026, 9, 14), date(2026, 9, 15)):
        plant.ratings_at(world.window_a, at(day, 10), [5, 5, 5, 5, 5, 5, 4, 4, 4, 4])
    plant.ratings_at(
        world.window_sub, NOW - timedelta(hours=30), [5, 5, 2, 5, 4, 1, 5, 5, 2, 5]
    )  # negative_share
    rating = plant.rating(world.window_a, NOW, level5=2)
    plant.save()
    ticket = ticket_open_for_rating(rating)
    alerts_evaluate(NOW)
    assert ticket.visit_due is not None
    alerts_evaluate(ticket.visit_due - timedelta(hours=3), kinds=[AlertKind.TICKET_DUE_SOON])


def test_every_kind_reads_as_stored_in_chinese_and_in_english_without_chinese_words(world, plant):
    _plant_every_kind(world, plant)
    alerts = list(Alert.objects.select_related("unit", "window__unit"))
    assert {a.kind for a in alerts} == set(AlertKind.values)
    names = [w.name for w in (world.window_a, world.window_b, world.window_sub)]
    names += [u.name for u in (world.unit_a, world.unit_b, world.unit_sub)]
    for alert in alerts:
        with translation.override("zh-hans"):
            assert alert.summary_display == alert.summary, alert.kind
        with translation.override("en"):
            english = alert.summary_display
        for name in names:
            english = english.replace(name, "")
        assert not CJK.search(english), (alert.kind, english)


def test_an_alert_whose_evidence_lacks_a_number_shows_its_stored_summary(world, plant):
    _plant_every_kind(world, plant)
    alert = Alert.objects.filter(kind=AlertKind.NEGATIVE_SHARE).first()
    assert alert is not None
    alert.evidence = {"ratings": 10}
    with translation.override("en"):
        assert alert.summary_display == alert.summary
