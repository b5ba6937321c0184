"""The window-device API: a pad registered by the hall manager rates the unit's records with its own token."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from pingyi.accounts.services import api_token_create
from pingyi.audit.models import AuditEntry
from pingyi.catalog.models import DutyShift
from pingyi.ledger.models import ServiceRecord
from pingyi.ratings.channels.device.services import device_register
from pingyi.ratings.models import Device, Rating


def make_record(world: Any, no: str, *, unit: Any = None, staff: Any = "default") -> ServiceRecord:
    unit = unit or world.unit_a
    return ServiceRecord.objects.create(
        district=unit.district,
        unit=unit,
        window=world.window_a if unit == world.unit_a else None,
        staff=world.staff_a if staff == "default" else staff,
        record_no=no,
        received_at=timezone.now() - timedelta(hours=2),
        finished_at=timezone.now() - timedelta(hours=1),
        source=ServiceRecord.Source.MANUAL,
    )


@pytest.fixture
def pad(world: Any) -> tuple[Device, str]:
    return device_register(
        actor=world.users["hall_manager"], window=world.window_a, name="1号评价器", kind="pad"
    )


def device_client(token: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token}"})


def rate(client: Client, body: dict[str, Any], key: str = "k-1") -> Any:
    return client.post(
        "/api/v1/device/ratings",
        data=json.dumps(body),
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )


def error_of(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"} and not body["error"]["message"].isascii()
    return body["error"]


def test_registering_a_device_gives_a_token_that_opens_the_api(world, pad):
    device, token = pad
    assert token.startswith("dev_") and token not in device.token_digest
    assert AuditEntry.objects.filter(action="device.register", object_id=str(device.pk)).count() == 1
    me = device_client(token).get("/api/v1/device/me")
    assert me.status_code == 200
    assert me.json()["window"] == {
        "id": world.window_a.pk,
        "code": "001",
        "name": world.window_a.name,
        "unit_id": world.unit_a.pk,
        "unit_name": "区市场监管局",
        "hall_id": world.hall.pk,
        "hall_name": "区市民服务中心",
    }
    assert me.json()["name"] == "1号评价器" and me.json()["scale"] == "five"


def test_no_token_a_wrong_token_or_a_user_token_is_refused(world, pad):
    assert Client().get("/api/v1/device/me").status_code == 401
    assert device_client("dev_nonsense").get("/api/v1/device/me").status_code == 401
    user_token = api_token_create(actor=None, user=world.users["root"], name="t")
    response = device_client(user_token).get("/api/v1/device/me")
    assert response.status_code == 401 and error_of(response)["code"] == "unauthenticated"


def test_a_rating_is_stored_for_the_record_its_staff_and_the_device_window(world, pad):
    device, token = pad
    make_record(world, "SJ-2026-0001")
    response = rate(
        device_client(token),
        {
            "record_no": "SJ-2026-0001",
            "stage": "finished",
            "level": 2,
            "tags": ["213"],
            "dimensions": {"overall": 2, "attitude": 1},
            "comment": "材料要求反复变",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    rating = Rating.objects.get(pk=body["id"])
    assert body["tracking_code"] == rating.tracking_code and len(body["tracking_code"]) == 10
    assert (rating.channel, rating.stage, rating.kind, rating.level5) == ("pad", "finished", "first", 2)
    assert rating.device == device and rating.window == world.window_a and rating.staff == world.staff_a
    assert rating.tags == ["213"] and rating.comment == "材料要求反复变"
    assert rating.dimensions == {"overall": 2, "attitude": 1}


def test_without_a_record_staff_the_rating_goes_to_whoever_is_on_duty(world, pad):
    _, token = pad
    make_record(world, "SJ-2026-0002", staff=None)
    now = timezone.now()
    DutyShift.objects.create(
        window=world.window_a,
        staff=world.staff_a,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=1),
    )
    response = rate(device_client(token), {"record_no": "SJ-2026-0002", "stage": "accepted", "level": 5})
    assert response.status_code == 201
    assert Rating.objects.get(pk=response.json()["id"]).staff == world.staff_a


def test_a_second_first_rating_is_409_but_a_follow_up_is_taken(world, pad):
    _, token = pad
    client = device_client(token)
    make_record(world, "SJ-2026-0003")
    first = rate(client, {"record_no": "SJ-2026-0003", "stage": "finished", "level": 4}, key="a")
    again = rate(client, {"record_no": "SJ-2026-0003", "stage": "finished", "level": 1}, key="b")
    assert first.status_code == 201 and again.status_code == 409
    assert error_of(again) == {"code": "already_rated", "message": "该办件已评价，无需重复评价"}
    other_stage = rate(client, {"record_no": "SJ-2026-0003", "stage": "accepted", "level": 5}, key="c")
    follow = rate(
        client, {"record_no": "SJ-2026-0003", "stage": "finished", "level": 2, "kind": "follow_up"}, key="d"
    )
    assert other_stage.status_code == 201 and follow.status_code == 201
    follow_up = Rating.objects.get(pk=follow.json()["id"])
    assert follow_up.kind == "follow_up" and follow_up.follows_id == first.json()["id"]
    assert Rating.objects.filter(record__record_no="SJ-2026-0003").count() == 3


def test_a_follow_up_without_a_first_rating_is_refused(world, pad):
    _, token = pad
    make_record(world, "SJ-2026-0004")
    response = rate(
        device_client(token),
        {"record_no": "SJ-2026-0004", "stage": "finished", "level": 3, "kind": "follow_up"},
    )
    assert response.status_code == 422 and error_of(response)["message"] == "该办件尚未评价，不能追加评价"
    assert not Rating.objects.exists()


def test_a_replayed_key_returns_the_first_response_and_creates_one_rating(world, pad):
    _, token = pad
    client = device_client(token)
    make_record(world, "SJ-2026-0005")
    body = {"record_no": "SJ-2026-0005", "stage": "finished", "level": 5}
    first = rate(client, body, key="same")
    replay = rate(client, body, key="same")
    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json()
    assert Rating.objects.count() == 1
    other = rate(client, {**body, "level": 1}, key="same")
    assert other.status_code == 422 and error_of(other)["code"] == "idempotency_key_reused"
    missing = client.post("/api/v1/device/ratings", data=json.dumps(body), content_type="application/json")
    assert missing.status_code == 400 and error_of(missing)["code"] == "idempotency_key_required"
    assert Rating.objects.count() == 1


def test_an_unknown_record_and_a_record_of_another_unit_are_404(world, pad):
    _, token = pad
    make_record(world, "B-0001", unit=world.unit_b, staff=world.staff_b)
    for no in ("NOPE-1", "B-0001"):
        response = rate(device_client(token), {"record_no": no, "stage": "finished", "level": 5}, key=no)
        assert response.status_code == 404
        assert error_of(response)["message"] == "未找到该办件，请核对办件编号"
    assert not Rating.objects.exists()


def test_a_deactivated_device_is_401(world, pad):
    device, token = pad
    make_record(world, "SJ-2026-0006")
    client = world.client("hall_manager")
    response = client.post(f"/operator/devices/{device.pk}/deactivate/")
    assert response.status_code == 302
    refused = rate(device_client(token), {"record_no": "SJ-2026-0006", "stage": "finished", "level": 5})
    assert refused.status_code == 401
    assert error_of(refused) == {"code": "device_inactive", "message": "该评价设备已停用，请联系大厅管理员"}
    assert device_client(token).get("/api/v1/device/me").status_code == 401
    assert not Rating.objects.exists()
    assert AuditEntry.objects.filter(action="device.deactivate", object_id=str(device.pk)).count() == 1


def test_an_out_of_range_level_is_a_structured_422(world, pad):
    _, token = pad
    make_record(world, "SJ-2026-0007")
    response = rate(device_client(token), {"record_no": "SJ-2026-0007", "stage": "finished", "level": 7})
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid" and "评价等级 7" in error["message"]
    assert error["fields"] == {"level": [error["message"]]}
    three = rate(
        device_client(token),
        {"record_no": "SJ-2026-0007", "stage": "finished", "level": 4, "scale": "three"},
        key="k-2",
    )
    assert three.status_code == 422 and "三级" in error_of(three)["message"]
    bad_stage = rate(
        device_client(token), {"record_no": "SJ-2026-0007", "stage": "done", "level": 3}, key="k-3"
    )
    assert bad_stage.status_code == 422 and "stage" in error_of(bad_stage)["fields"]
    assert not Rating.objects.exists()


def test_the_device_pages_belong_to_hall_managers(world, pad):
    device, _ = pad
    manager = world.client("hall_manager")
    listing = manager.get("/operator/devices/")
    assert listing.status_code == 200 and "1号评价器" in listing.content.decode()
    created = manager.post(
        "/operator/devices/new/", {"window": world.window_b.pk, "name": "2号终端", "kind": "terminal"}
    )
    page = created.content.decode()
    assert created.status_code == 200 and "设备已登记" in page
    assert created.headers["Cache-Control"].count("no-store") == 1
    token = page.split('data-testid="device-token">')[1].split("<")[0]
    assert device_client(token).get("/api/v1/device/me").json()["window"]["id"] == world.window_b.pk
    # The sub-centre manager sees neither device and cannot register at the main hall's windows.
    sub = world.client("sub_manager")
    assert "1号评价器" not in sub.get("/operator/devices/").content.decode()
    refused = sub.post("/operator/devices/new/", {"window": world.window_a.pk, "name": "x", "kind": "pad"})
    assert refused.status_code == 200 and "选择一个有效的选项" in refused.content.decode()
    assert sub.post(f"/operator/devices/{device.pk}/deactivate/").status_code == 404
    # Unit admins read their devices but neither register nor stop them.
    unit_admin = world.client("unit_a")
    assert "登记设备" not in unit_admin.get("/operator/devices/").content.decode()
    assert unit_admin.get("/operator/devices/new/").status_code == 404
    assert unit_admin.post(f"/operator/devices/{device.pk}/deactivate/").status_code == 404
    assert Device.objects.get(pk=device.pk).active
