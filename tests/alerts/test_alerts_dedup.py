"""One uncleared alert per rule and subject: repeated evaluations refresh it, acknowledging or closing it by hand
raises no twin, and only a recurrence after the condition cleared raises a new one. Every change is audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alerts_builders import NOW

from pingyi.alerts.evaluate import alerts_evaluate
from pingyi.alerts.models import Alert, AlertKind
from pingyi.alerts.services import AlertError, alert_acknowledge, alert_close
from pingyi.audit.models import AuditEntry

KIND = [AlertKind.NEGATIVE_SHARE]
LEVELS = [5, 5, 2, 5, 4, 1, 5, 5, 2, 5]


@pytest.fixture
def planted(world, plant):
    plant.ratings_at(world.window_a, NOW - timedelta(hours=30), LEVELS)
    plant.save()
    return world


def _window_alerts(world) -> list[Alert]:
    return list(Alert.objects.filter(subject_key=f"window:{world.window_a.pk}").order_by("id"))


def _actions(alert: Alert) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_type="alerts.alert", object_id=str(alert.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_evaluating_again_refreshes_the_alert_instead_of_adding_one(planted, plant):
    alerts_evaluate(NOW, kinds=KIND)
    plant.rating(planted.window_a, NOW + timedelta(minutes=5), level5=2)
    plant.save()

    result = alerts_evaluate(NOW + timedelta(minutes=15), kinds=KIND)

    [alert] = _window_alerts(planted)
    assert result.raised[AlertKind.NEGATIVE_SHARE] == 0 and result.held[AlertKind.NEGATIVE_SHARE] == 2
    assert alert.evidence["negative"] == 3 and alert.latest["negative"] == 4
    assert alert.last_seen_at == NOW + timedelta(minutes=15)
    assert _actions(alert) == ["alert.raise"]


def test_an_acknowledged_alert_stays_one_alert_and_closes_when_the_condition_clears(planted):
    alerts_evaluate(NOW, kinds=KIND)
    [alert] = _window_alerts(planted)
    alert_acknowledge(actor=planted.users["unit_a"], alert=alert, note="已安排窗口负责人说明情况")

    alerts_evaluate(NOW + timedelta(hours=1), kinds=KIND)
    assert [a.status for a in _window_alerts(planted)] == [Alert.Status.ACKNOWLEDGED]

    alerts_evaluate(NOW + timedelta(hours=43), kinds=KIND)  # the ratings are now older than 72 hours
    [alert] = _window_alerts(planted)
    assert alert.status == Alert.Status.CLOSED and alert.close_reason == Alert.CloseReason.CLEARED
    assert alert.acknowledged_by == planted.users["unit_a"]
    assert _actions(alert) == ["alert.raise", "alert.acknowledge", "alert.close"]


def test_closing_by_hand_silences_the_subject_until_the_condition_clears_then_a_recurrence_raises_anew(
    planted, plant
):
    alerts_evaluate(NOW, kinds=KIND)
    [first] = _window_alerts(planted)
    alert_close(actor=planted.users["inspector"], alert=first, note="已约谈单位负责人")

    alerts_evaluate(NOW + timedelta(hours=1), kinds=KIND)
    assert len(_window_alerts(planted)) == 1  # still holding: no twin after the close

    alerts_evaluate(NOW + timedelta(hours=43), kinds=KIND)  # cleared
    first.refresh_from_db()
    assert first.cleared_at == NOW + timedelta(hours=43) and first.close_reason == Alert.CloseReason.MANUAL
    assert _actions(first) == ["alert.raise", "alert.close", "alert.clear"]

    plant.ratings_at(planted.window_a, NOW + timedelta(hours=50), LEVELS)
    plant.save()
    alerts_evaluate(NOW + timedelta(hours=51), kinds=KIND)
    first_again, second = _window_alerts(planted)
    assert first_again.pk == first.pk and second.status == Alert.Status.OPEN and second.cleared_at is None


def test_closing_needs_a_note_and_an_inspector(planted):
    alerts_evaluate(NOW, kinds=KIND)
    [alert] = _window_alerts(planted)

    with pytest.raises(AlertError, match="处理说明"):
        alert_close(actor=planted.users["inspector"], alert=alert, note="  ")
    with pytest.raises(AlertError, match="纪检监察"):
        alert_close(actor=planted.users["unit_a"], alert=alert, note="已整改")
    with pytest.raises(AlertError, match="无权"):
        alert_acknowledge(actor=planted.users["unit_b"], alert=alert)
    alert.refresh_from_db()
    assert alert.status == Alert.Status.OPEN
