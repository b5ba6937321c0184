"""Settings of the P1 benchmark server: pingyi's own settings with the benchmark URLconf on top."""

from __future__ import annotations

from pingyi.settings import *  # noqa: F403

ROOT_URLCONF = "p1_app.urls"
