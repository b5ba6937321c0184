"""Open311 GeoReport v2: discovery, services, requests GET/POST, one request; JSON and XML; scopes by api_key."""

from __future__ import annotations

import json
from xml.etree import ElementTree

import pytest

from pingyi.accounts.services import api_token_create
from pingyi.tickets.models import Ticket


def _key(world, who):
    user = world.users[who]
    return api_token_create(actor=user, user=user, name="open311")


def test_discovery_and_services_in_both_formats(db, client):
    discovery = client.get("/open311/v2/discovery.json").json()
    assert discovery["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert "text/xml" in discovery["endpoints"][0]["formats"]
    xml = ElementTree.fromstring(client.get("/open311/v2/discovery.xml").content)
    assert xml.tag == "discovery" and xml.find("endpoints/endpoint/formats/format") is not None
    services = client.get("/open311/v2/services.json").json()
    assert {s["service_code"] for s in services} == {"help", "hotline", "board"}
    root = ElementTree.fromstring(client.get("/open311/v2/services.xml").content)
    assert root.tag == "services" and len(root.findall("service")) == 3
    definition = client.get("/open311/v2/services/help.json").json()
    assert definition["attributes"][0]["code"] == "unit_code" and definition["attributes"][0]["required"]
    missing = client.get("/open311/v2/services/nope.json")
    assert missing.status_code == 404 and missing.json()[0]["code"] == 404


def test_the_hotline_posts_a_request_and_reads_it_back(world, client):
    key = _key(world, "operator")
    response = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": key,
            "service_code": "hotline",
            "attribute[unit_code]": world.unit_a.credit_code,
            "description": "窗口要求提供指南外材料",
            "phone": "13800001111",
        },
    )
    assert response.status_code == 201
    created = response.json()[0]
    ticket = Ticket.objects.get()
    assert (
        created["service_request_id"] == f"T{ticket.pk}" and ticket.tracking_code in created["service_notice"]
    )
    assert ticket.unit == world.unit_a and ticket.source == "hotline" and ticket.phone_masked == "138****1111"
    public = client.get(f"/open311/v2/requests/T{ticket.pk}.json").json()[0]
    assert public["status"] == "open" and public["agency_responsible"] == world.unit_a.name
    assert public["description"] is None  # the complaint's words only with a key
    assert public["expected_datetime"].startswith(ticket.rectify_due.astimezone().date().isoformat()[:4])
    own = client.get(f"/open311/v2/requests/T{ticket.pk}.json", {"api_key": _key(world, "unit_a")}).json()[0]
    assert own["description"] == "窗口要求提供指南外材料"
    body = client.get("/open311/v2/requests.xml").content.decode()
    assert "13800001111" not in body and "138****1111" not in body and ticket.tracking_code not in body
    root = ElementTree.fromstring(body)
    assert root.tag == "service_requests" and root.find("request/service_request_id").text == f"T{ticket.pk}"


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ({"service_code": "hotline", "description": "x"}, 400, "attribute[unit_code]"),
        ({"service_code": "pothole", "description": "x"}, 400, "service_code"),
        ({"service_code": "help", "description": "  "}, 400, "请填写问题描述"),
        ({"service_code": "help", "description": "x", "phone": "not-a-phone"}, 400, "电话号码格式不正确"),
    ],
)
def test_bad_posts_get_open311_errors(world, client, fields, status, message):
    data = {"api_key": _key(world, "operator"), "attribute[unit_code]": world.unit_a.credit_code, **fields}
    if "attribute[unit_code]" in message:
        data.pop("attribute[unit_code]")
    response = client.post("/open311/v2/requests.json", data)
    assert response.status_code == status
    assert message in response.json()[0]["description"]
    xml = client.post("/open311/v2/requests.xml", data)
    assert ElementTree.fromstring(xml.content).find("error/code").text == str(status)
    assert not Ticket.objects.exists()


def test_posting_needs_a_key_of_a_writer(world, client):
    data = {"service_code": "help", "attribute[unit_code]": world.unit_a.credit_code, "description": "x"}
    assert client.post("/open311/v2/requests.json", data).status_code == 403
    refused = client.post("/open311/v2/requests.json", {**data, "api_key": _key(world, "unit_a")})
    assert refused.status_code == 403
    outside = client.post(
        "/open311/v2/requests.json",
        {**data, "api_key": _key(world, "operator"), "attribute[unit_code]": world.unit_other.credit_code},
    )
    assert outside.status_code == 400  # a unit of another district is not in the operator's scope
    assert not Ticket.objects.exists()


def test_unit_b_cannot_read_unit_a_requests_with_its_key(world, client, ticket):
    key_b = _key(world, "unit_b")
    assert client.get(f"/open311/v2/requests/T{ticket.pk}.json", {"api_key": key_b}).status_code == 404
    listed = client.get("/open311/v2/requests.json", {"api_key": key_b}).json()
    assert listed == []


def test_filters_and_bad_filters(world, client, ticket):
    assert len(client.get("/open311/v2/requests.json", {"status": "open"}).json()) == 1
    assert client.get("/open311/v2/requests.json", {"status": "closed"}).json() == []
    assert len(client.get("/open311/v2/requests.json", {"service_code": "rating"}).json()) == 1
    assert client.get("/open311/v2/requests.json", {"status": "pending"}).status_code == 400
    bad = client.get("/open311/v2/requests.json", {"start_date": "yesterday"})
    assert bad.status_code == 400 and "ISO 8601" in json.loads(bad.content)[0]["description"]
