"""The test suite's settings: production's (``pingyi.settings``) with what the tests need changed.

pytest-django loads this module (``DJANGO_SETTINGS_MODULE`` in pyproject.toml); nothing in ``pingyi/`` knows whether
it runs under tests. What differs from production:

- ``PINGYI_HOME``: a folder under the system's temporary directory unless the environment names one (bin/test gives
  each run its own), so that a test run never writes keys or files into the checkout's ``var/``;
- passwords: Argon2 with small costs first (``tests.hashers``), production's hashers after it;
- plain HTTP: the test client speaks HTTP, so secure cookies, HSTS and the HTTPS redirect are off unless
  ``PINGYI_HTTPS`` (or its companions) say otherwise;
- jobs: django-q2 runs a queued task at once, in the test's process and transaction.

A ``pingyi`` subprocess started by a test runs production's settings (tests take ``DJANGO_SETTINGS_MODULE`` out of
its environment).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

os.environ.setdefault("PINGYI_HOME", str(Path(tempfile.gettempdir()) / "pingyi-test-home"))

from pingyi.lib.env import envbool, envint  # noqa: E402
from pingyi.settings import *  # noqa: E402, F403
from pingyi.settings import PASSWORD_HASHERS, Q_CLUSTER  # noqa: E402

PASSWORD_HASHERS = ["tests.hashers.FastArgon2PasswordHasher", *PASSWORD_HASHERS]

_https = envbool("PINGYI_HTTPS", False)
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SECURE_SSL_REDIRECT = envbool("PINGYI_SSL_REDIRECT", _https)
SECURE_HSTS_SECONDS = envint("PINGYI_HSTS_SECONDS", 31536000 if _https else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _https
SECURE_HSTS_PRELOAD = _https

Q_CLUSTER = {**Q_CLUSTER, "sync": True}
