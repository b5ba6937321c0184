"""The alert pages: each role sees its scope (another scope's alert is a 404), acknowledge and close by POST with
audit, the inspectors' rules page with Chinese errors, subscriptions, and the home-page card."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alerts_builders import NOW
from django.template.loader import render_to_string

from pingyi.alerts.evaluate import alerts_evaluate
from pingyi.alerts.models import Alert, AlertKind, AlertRule, AlertSubscription
from pingyi.alerts.selectors import home_card
from pingyi.alerts.services import alert_acknowledge
from pingyi.audit.models import AuditEntry

LEVELS = [5, 5, 2, 5, 4, 1, 5, 5, 2, 5]


@pytest.fixture
def alerts(world, plant):
    """negative_share alerts for unit A, window A, unit B and window B."""
    plant.ratings_at(world.window_a, NOW - timedelta(hours=30), LEVELS)
    plant.ratings_at(world.window_b, NOW - timedelta(hours=20), LEVELS)
    plant.save()
    alerts_evaluate(NOW, kinds=[AlertKind.NEGATIVE_SHARE])
    return {a.subject_key: a for a in Alert.objects.all()}


def _key(world, name):
    return {
        "unit_a": f"unit:{world.unit_a.pk}",
        "window_a": f"window:{world.window_a.pk}",
        "unit_b": f"unit:{world.unit_b.pk}",
        "window_b": f"window:{world.window_b.pk}",
    }[name]


VISIBLE = {
    "inspector": {"unit_a", "window_a", "unit_b", "window_b"},
    "root": {"unit_a", "window_a", "unit_b", "window_b"},
    "unit_a": {"unit_a", "window_a"},
    "unit_b": {"unit_b", "window_b"},
    "hall_manager": {"window_a", "window_b"},
    "sub_manager": set(),
    "outsider": set(),
}


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_each_role_lists_its_scope_and_gets_404_for_the_rest(world, alerts, who):
    client = world.client(who)
    body = client.get("/alerts/").content.decode()
    for name in ("unit_a", "window_a", "unit_b", "window_b"):
        alert = alerts[_key(world, name)]
        shown = name in VISIBLE[who]
        assert (f"/alerts/{alert.pk}/" in body) is shown, (who, name)
        assert client.get(f"/alerts/{alert.pk}/").status_code == (200 if shown else 404), (who, name)


@pytest.mark.parametrize("who", ["clerk", "operator"])
def test_window_staff_and_operators_have_no_alert_pages(world, alerts, who):
    assert world.client(who).get("/alerts/").status_code == 404


def test_the_detail_shows_the_evidence(world, alerts):
    alert = alerts[_key(world, "window_a")]
    body = world.client("unit_a").get(f"/alerts/{alert.pk}/").content.decode()
    assert alert.summary in body and "差评占比（%）" in body and "30.0" in body


def test_a_unit_admin_acknowledges_by_post_and_the_log_shows_it(world, alerts):
    alert = alerts[_key(world, "window_a")]
    client = world.client("unit_a")
    assert client.get(f"/alerts/{alert.pk}/action/").status_code == 405

    response = client.post(f"/alerts/{alert.pk}/action/", {"action": "acknowledge", "note": "已核查排队情况"})

    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.status == Alert.Status.ACKNOWLEDGED and alert.acknowledged_by == world.users["unit_a"]
    entry = AuditEntry.objects.get(action="alert.acknowledge", object_id=str(alert.pk))
    assert entry.actor_label == "unita"


def test_only_an_inspector_closes_and_only_with_a_note(world, alerts):
    alert = alerts[_key(world, "window_a")]
    refused = world.client("unit_a").post(f"/alerts/{alert.pk}/action/", {"action": "close", "note": "好了"})
    assert refused.status_code == 400 and "只有纪检监察人员可以关闭预警" in refused.content.decode()
    inspector = world.client("inspector")
    empty = inspector.post(f"/alerts/{alert.pk}/action/", {"action": "close", "note": ""})
    assert empty.status_code == 400 and "关闭预警必须填写处理说明" in empty.content.decode()

    inspector.post(f"/alerts/{alert.pk}/action/", {"action": "close", "note": "已约谈"})

    alert.refresh_from_db()
    assert alert.status == Alert.Status.CLOSED and alert.close_reason == Alert.CloseReason.MANUAL
    assert alert.note == "已约谈" and alert.closed_by == world.users["inspector"]


def test_another_units_admin_cannot_act_on_an_alert_it_cannot_see(world, alerts):
    alert = alerts[_key(world, "window_a")]
    response = world.client("unit_b").post(f"/alerts/{alert.pk}/action/", {"action": "acknowledge"})
    assert response.status_code == 404
    alert.refresh_from_db()
    assert alert.status == Alert.Status.OPEN


# ---------------------------------------------------------------------------------------------------- rules
def test_inspectors_see_the_default_rules_and_others_do_not(world):
    body = world.client("inspector").get("/alerts/rules/").content.decode()
    for kind in AlertKind:
        assert str(kind.label) in body
    assert AlertRule.objects.filter(district=world.district).count() == 4
    assert world.client("unit_a").get("/alerts/rules/").status_code == 404
    assert world.client("hall_manager").get("/alerts/rules/").status_code == 404


def test_editing_thresholds_checks_them_in_chinese_and_saves_with_an_audit_entry(world):
    client = world.client("inspector")
    client.get("/alerts/rules/")
    rule = AlertRule.objects.get(district=world.district, kind=AlertKind.NEGATIVE_SHARE, unit=None)
    url = f"/alerts/rules/{rule.pk}/"

    bad = client.post(
        url, {"enabled": "on", "percent": "150", "min_ratings": "10", "notify_roles": ["inspector"]}
    )

    body = bad.content.decode()
    assert bad.status_code == 400
    assert "差评占比阈值应在 0.1% 到 100% 之间" in body and "此类预警必须填写该项" in body
    good = client.post(
        url,
        {"enabled": "on", "percent": "15", "hours": "48", "min_ratings": "20", "notify_roles": ["inspector"]},
    )
    assert good.status_code == 302
    rule.refresh_from_db()
    assert (rule.percent, rule.hours, rule.min_ratings, rule.notify_roles) == (15.0, 48, 20, ["inspector"])
    entry = AuditEntry.objects.get(action="alert_rule.update", object_id=str(rule.pk))
    assert entry.before["percent"] == 20.0 and entry.after["percent"] == 15.0


def test_a_rule_for_one_unit_starts_from_the_district_values(world):
    client = world.client("inspector")
    client.get("/alerts/rules/")

    both = client.post(
        "/alerts/rules/new/", {"kind": "silent_window", "unit": world.unit_a.pk, "window": world.window_a.pk}
    )
    assert both.status_code == 400 and "请选择一个单位或一个窗口（二选一）" in both.content.decode()
    response = client.post("/alerts/rules/new/", {"kind": "silent_window", "unit": world.unit_a.pk})

    rule = AlertRule.objects.get(kind="silent_window", unit=world.unit_a)
    assert response.status_code == 302 and response["Location"] == f"/alerts/rules/{rule.pk}/"
    assert (rule.working_days, rule.min_records, rule.window) == (3, 10, None)
    again = client.post("/alerts/rules/new/", {"kind": "silent_window", "unit": world.unit_a.pk})
    assert again.status_code == 400 and "已有“窗口无评价”规则" in again.content.decode()


def test_an_inspector_cannot_pick_another_districts_unit(world):
    response = world.client("outsider").post(
        "/alerts/rules/new/", {"kind": "silent_window", "unit": world.unit_a.pk}
    )
    assert response.status_code == 400 and "请选择列表中的一项" in response.content.decode()
    assert not AlertRule.objects.filter(unit=world.unit_a).exists()


# ----------------------------------------------------------------------------------------------- subscriptions
def test_subscriptions_keep_phones_encrypted_and_show_them_masked(world):
    client = world.client("unit_a")
    bad = client.post("/alerts/subscriptions/", {"channel": "sms", "address": "12345"})
    assert bad.status_code == 400 and "手机号码格式不正确" in bad.content.decode()

    client.post(
        "/alerts/subscriptions/", {"channel": "sms", "address": "13800138000", "kinds": ["silent_window"]}
    )

    subscription = AlertSubscription.objects.get(user=world.users["unit_a"])
    assert subscription.phone_masked == "138****8000" and "13800138000" not in subscription.phone_ciphertext
    body = client.get("/alerts/subscriptions/").content.decode()
    assert "138****8000" in body and "13800138000" not in body and "窗口无评价" in body
    assert AuditEntry.objects.filter(action="alert_subscription.create").count() == 1
    assert world.client("unit_b").post(f"/alerts/subscriptions/{subscription.pk}/delete/").status_code == 404
    client.post(f"/alerts/subscriptions/{subscription.pk}/delete/")
    assert not AlertSubscription.objects.exists()


# ----------------------------------------------------------------------------------------------------- home
def test_the_home_card_counts_what_the_user_may_see(world, alerts):
    alert = alerts[_key(world, "window_a")]
    alert_acknowledge(actor=world.users["unit_a"], alert=alert)

    card = home_card(world.users["unit_a"])
    html = render_to_string("alerts/_home_card.html", {"alerts": card})

    assert (card["open"], card["acknowledged"]) == (1, 1)
    assert 'href="/alerts/?status=open"' in html and f"/alerts/{alert.pk}/" in html
    assert home_card(world.users["clerk"]) is None
