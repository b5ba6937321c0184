"""Property-based run of every GET endpoint from /api/v1/openapi.json: no input may produce a server error.

The schema is loaded eagerly at collection (the OpenAPI view touches no database): schemathesis' lazy
``from_fixture`` loader sets ``node._nodeid``, which pytest 9 no longer has.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from pingyi.accounts.services import api_token_create

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler()).include(method="GET")


@pytest.fixture
def root_token(world: Any) -> Iterator[str]:
    """A superuser's token; like django.test.Client, requests must not close the test transaction's connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield api_token_create(actor=None, user=world.users["root"], name="schemathesis")
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_get_endpoint_answers_any_input_with_a_server_error(case: Any, root_token: str) -> None:
    response = case.call(headers={"Authorization": f"Bearer {root_token}"})
    assert response.status_code < 500, (
        f"{response.status_code}: {response.text[:500]}\n{case.as_curl_command()}"
    )
    if response.status_code >= 400 and response.status_code != 405:  # ninja's own 405 has an empty body
        assert "error" in response.json(), response.text[:500]  # every refusal is the structured error body
