"""What a browser is told: a CSP allowing only our own origin, no framing, a request id on every response."""

from __future__ import annotations

import subprocess
import sys

from django.test import Client


def test_every_page_carries_a_csp_that_allows_no_other_origin(world):
    response = world.client("inspector").get("/catalog/units/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "http" not in csp and "*" not in csp
    assert response["X-Frame-Options"] == "DENY"


def test_a_request_id_is_echoed_and_recorded_in_the_audit_log(world):
    client = world.client("unit_a")
    response = client.post(
        "/catalog/staff/new/",
        {
            "unit": world.unit_a.pk,
            "employee_no": "A-777",
            "name": "新同事",
            "title": "",
            "active": "on",
            "phone": "",
        },
        HTTP_X_REQUEST_ID="req-12345678",
    )
    assert response.status_code == 302
    assert response["X-Request-ID"] == "req-12345678"
    from pingyi.audit.models import AuditEntry

    entry = AuditEntry.objects.filter(action="staff.create").latest("seq")
    assert entry.request_id == "req-12345678"


def test_static_assets_are_served_by_the_app(db):
    response = Client().get("/static/vendor/htmx.min.js")
    assert response.status_code == 200


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "PINGYI_HOME": str(tmp_path),
        "PINGYI_ALLOWED_HOSTS": "pingyi.example.gov.cn",
        "PINGYI_SECRET_KEY": "x" * 60 + "Yz9!kq",
        "PINGYI_FIELD_KEY": "f" * 50,
        "PINGYI_AUDIT_KEY": "a" * 50,
    }
    result = subprocess.run(
        [sys.executable, "-m", "pingyi", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
