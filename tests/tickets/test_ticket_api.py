"""/api/v1/tickets: scoped like the pages; steps through the same service, idempotent, refusals as structured JSON."""

from __future__ import annotations

import json

from pingyi.accounts.services import api_token_create
from pingyi.tickets.choices import State
from pingyi.tickets.models import Ticket


def _client(world, who):
    from django.test import Client

    user = world.users[who]
    token = api_token_create(actor=user, user=user, name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def _post(client, path, body, key):
    return client.post(path, json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)


def test_the_unit_lists_and_steps_its_ticket(world, ticket):
    client = _client(world, "unit_a")
    listed = client.get("/api/v1/tickets").json()
    assert [t["tracking_code"] for t in listed] == [ticket.tracking_code]
    assert listed[0]["phone_masked"] == ""  # the unit never sees the citizen's phone
    body = {
        "action": "visit",
        "caller": "王科长",
        "called_at": "2026-11-25T09:00:00+08:00",
        "citizen_said": "嫌慢",
    }
    first = _post(client, f"/api/v1/tickets/{ticket.pk}/steps", body, "k1")
    assert first.status_code == 200 and first.json()["state"] == State.VISITED
    again = _post(client, f"/api/v1/tickets/{ticket.pk}/steps", body, "k1")
    assert again.status_code == 200 and again.json() == first.json()  # replayed, not repeated
    assert Ticket.objects.get().events.filter(action="visit").count() == 1
    detail = client.get(f"/api/v1/tickets/{ticket.pk}").json()
    assert [e["action"] for e in detail["events"]] == ["open", "visit"] and detail["actions"] == ["verify"]


def test_refusals_and_bad_input_are_structured(world, ticket):
    client = _client(world, "unit_a")
    refused = _post(
        client, f"/api/v1/tickets/{ticket.pk}/steps", {"action": "rectify", "plan": "x", "proof": "y"}, "a"
    )
    assert refused.status_code == 409
    assert refused.json()["error"]["message"] == "工单当前状态为“待回访”，不能提交整改"
    missing = _post(client, f"/api/v1/tickets/{ticket.pk}/steps", {"action": "visit", "caller": "x"}, "b")
    assert missing.status_code == 422 and "citizen_said" in missing.json()["error"]["fields"]
    unknown = _post(client, f"/api/v1/tickets/{ticket.pk}/steps", {"action": "delete"}, "c")
    assert unknown.status_code == 422
    no_key = client.post(f"/api/v1/tickets/{ticket.pk}/steps", "{}", content_type="application/json")
    assert no_key.status_code in (400, 422)
    assert Ticket.objects.get().state == State.OPEN


def test_unit_b_cannot_see_or_act_on_unit_a_tickets(world, ticket):
    client = _client(world, "unit_b")
    assert client.get("/api/v1/tickets").json() == []
    assert client.get(f"/api/v1/tickets/{ticket.pk}").status_code == 404
    body = {"action": "visit", "caller": "x", "called_at": "2026-11-25T09:00:00+08:00", "citizen_said": "x"}
    assert _post(client, f"/api/v1/tickets/{ticket.pk}/steps", body, "z").status_code == 404
    assert Ticket.objects.get().state == State.OPEN


def test_inspectors_see_the_masked_phone(world, ticket):
    listed = _client(world, "inspector").get("/api/v1/tickets", {"state": "open"}).json()
    assert listed[0]["phone_masked"] == "139****5678"
    assert _client(world, "inspector").get("/api/v1/tickets", {"state": "nope"}).status_code == 422
