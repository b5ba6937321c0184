"""Production's settings are the same under pytest; the test settings are a module of their own (tests/settings.py)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

REPO = Path(__file__).resolve().parents[2]

SHOW = """
import json, sys
import pytest  # production's settings must not notice
import django
from django.conf import settings
django.setup()
print(json.dumps({"hashers": settings.PASSWORD_HASHERS, "redirect": settings.SECURE_SSL_REDIRECT,
                  "secure_cookies": settings.SESSION_COOKIE_SECURE, "sync": settings.Q_CLUSTER.get("sync"),
                  "home": str(settings.HOME), "tests_loaded": "tests.hashers" in sys.modules}))
"""


def _production_settings(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PINGYI_")}
    env.update(PINGYI_HOME=str(home), DJANGO_SETTINGS_MODULE="pingyi.settings")
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SHOW],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_production_settings_loaded_beside_pytest_stay_production_settings(tmp_path):
    shown = _production_settings(tmp_path)
    assert shown["hashers"][0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert not any(h.startswith("tests.") for h in shown["hashers"]) and not shown["tests_loaded"]
    assert shown["redirect"] is True and shown["secure_cookies"] is True
    assert shown["sync"] is False
    assert shown["home"] == str(tmp_path.resolve())


def test_the_suite_runs_on_the_test_settings():
    assert os.environ["DJANGO_SETTINGS_MODULE"] == "tests.settings"
    assert settings.PASSWORD_HASHERS[0] == "tests.hashers.FastArgon2PasswordHasher"
    assert "django.contrib.auth.hashers.Argon2PasswordHasher" in settings.PASSWORD_HASHERS
    assert settings.Q_CLUSTER["sync"] is True
    assert settings.SECURE_SSL_REDIRECT is False and settings.SESSION_COOKIE_SECURE is False


def test_nothing_in_pingyi_asks_whether_it_runs_under_tests():
    for path in (REPO / "pingyi").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "sys.modules" not in text and "PINGYI_TESTING" not in text, path
        assert not re.search(r"\b(from|import) (pytest|tests)\b|[\"']tests\.", text), path
