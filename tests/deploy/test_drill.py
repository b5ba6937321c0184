"""The production topology in network namespaces (deploy/drill/drill.py): three failure drills, run for real.

Needs root, `ip netns`, nginx, PgBouncer >= 1.21, redis-server and PostgreSQL 15's binaries; bin/test installs what
it can. Without them it is skipped, with the reason — except under CI=true, where a missing prerequisite fails.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

DRILL = Path(__file__).resolve().parents[2] / "deploy" / "drill" / "drill.py"


def _drill_module():
    spec = importlib.util.spec_from_file_location("pingyi_drill", DRILL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _in_ci() -> bool:
    return os.environ.get("CI", "") not in ("", "0", "false")


@pytest.mark.netns
def test_the_production_topology_survives_its_drills():
    missing = _drill_module().prerequisites()
    if missing:
        message = "the namespace drill needs " + "; ".join(missing)
        if _in_ci():
            pytest.fail(message)
        pytest.skip(message)
    # The drill's hosts run production's settings, not the test settings pytest-django put in the environment.
    production = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, str(DRILL)],
        capture_output=True,
        text=True,
        timeout=900,
        stdin=subprocess.DEVNULL,
        env=production,
    )
    print(done.stdout)
    print(done.stderr[-20000:], file=sys.stderr)
    assert done.returncode == 0, done.stdout[-4000:]
    assert "every drill held" in done.stdout
