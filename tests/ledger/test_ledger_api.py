"""POST /api/v1/ledger/records: per-record results, idempotency by record number and by Idempotency-Key, scopes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from pingyi.audit.models import AuditEntry
from pingyi.ledger.models import ServiceRecord
from pingyi.lib import crypto
from tests.conftest import bearer


def upload(client: Client, records: list[dict[str, Any]], key: str = "k-1") -> Any:
    return client.post(
        "/api/v1/ledger/records",
        data=json.dumps({"records": records}),
        content_type="application/json",
        headers={"Idempotency-Key": key},
    )


def rec(no: str, **over: Any) -> dict[str, Any]:
    return {
        "record_no": no,
        "item_code": "420113001",
        "window": "001",
        "staff": "A-001",
        "applicant": "王小二",
        "phone": "13512345678",
        "received_at": "2023-12-13T09:05:00+08:00",
        "finished_at": "2023-12-13 09:40",
        **over,
    }


@pytest.mark.django_db
def test_a_batch_stores_the_valid_records_and_reports_each_one(world):
    client = bearer(world, "unit_a")
    response = upload(
        client, [rec("A-1"), rec("A-2", phone="12ab", window="999"), rec("A-3", received_at="")]
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["unchanged"], body["errors"]) == (1, 0, 2)
    first, second, third = body["results"]
    assert first["status"] == "created" and first["record_no"] == "A-1"
    stored = ServiceRecord.objects.get(pk=first["id"])
    assert stored.rating_code == first["rating_code"] and stored.source == ServiceRecord.Source.UPLOAD
    assert stored.phone_plain() == "13512345678" and stored.entered_by == world.users["unit_a"]
    assert second["status"] == "error"
    assert {e["field"] for e in second["errors"]} == {"phone", "window"}
    assert all(not e["message"].isascii() for e in second["errors"])
    assert third["errors"] == [{"field": "received_at", "message": "不能为空"}]
    assert ServiceRecord.objects.count() == 1
    audit = AuditEntry.objects.get(action="ledger.records_ingest")
    assert (audit.after["created"], audit.after["errors"]) == (1, 2)


@pytest.mark.django_db
def test_the_same_record_numbers_again_are_unchanged_and_a_changed_one_is_an_error(world):
    client = bearer(world, "unit_a")
    assert upload(client, [rec("B-1"), rec("B-2")], key="first").json()["created"] == 2
    body = upload(
        client, [rec("B-1"), rec("B-2", phone="13900000000"), rec("B-3"), rec("B-3")], key="second"
    ).json()
    statuses = [r["status"] for r in body["results"]]
    assert statuses == ["unchanged", "error", "created", "error"]
    assert "已录入" in body["results"][1]["errors"][0]["message"]
    assert "与第 2 行重复" in body["results"][3]["errors"][0]["message"]
    assert ServiceRecord.objects.count() == 3
    assert ServiceRecord.objects.get(record_no="B-2").phone_index == crypto.blind_index("13512345678")


@pytest.mark.django_db
def test_a_replayed_idempotency_key_returns_the_first_answer_without_writing(world):
    client = bearer(world, "unit_a")
    first = upload(client, [rec("C-1")], key="same")
    again = upload(client, [rec("C-1")], key="same")
    assert again.json() == first.json()
    assert ServiceRecord.objects.count() == 1
    assert AuditEntry.objects.filter(action="ledger.records_ingest").count() == 1
    assert upload(client, [rec("C-2")], key="same").status_code == 422


@pytest.mark.django_db
def test_a_unit_admin_uploads_only_for_its_unit_and_others_are_refused(world):
    other = rec("D-1", unit="区城管局", item_code="420113002", window="002", staff="B-001")
    body = upload(bearer(world, "unit_a"), [other]).json()
    assert body["results"][0]["errors"][0]["field"] == "unit"
    assert ServiceRecord.objects.count() == 0
    body = upload(bearer(world, "inspector"), [other]).json()
    assert body["created"] == 1
    assert upload(bearer(world, "clerk"), [rec("D-2")]).status_code == 403
    assert upload(bearer(world, "operator"), [rec("D-3")]).status_code == 403
    assert upload(bearer(world, "outsider"), [other], key="o").json()["results"][0]["status"] == "error"


@pytest.mark.django_db
def test_a_batch_over_ten_thousand_records_is_refused_whole(world):
    response = upload(bearer(world, "inspector"), [{"record_no": str(i)} for i in range(10_001)])
    assert response.status_code == 422
    assert ServiceRecord.objects.count() == 0


@pytest.mark.django_db
def test_a_batch_without_an_idempotency_key_is_refused_and_writes_nothing(world):
    response = bearer(world, "unit_a").post(
        "/api/v1/ledger/records", data=json.dumps({"records": [rec("E-1")]}), content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "idempotency_key_required"
    assert ServiceRecord.objects.count() == 0


@pytest.mark.django_db
def test_the_ledger_template_lists_the_chinese_headers(world):
    body = world.client("unit_a").get("/imports/templates/ledger.csv").content.decode("utf-8-sig")
    assert (
        body.splitlines()[0] == "办件编号,单位,事项编码,窗口,经办人,申请人,申请人电话,受理时间,办结时间,环节"
    )
