"""`pingyi demo --no-serve` on a fresh PINGYI_HOME seeds the district; a second run changes nothing."""

from __future__ import annotations

import os
import re
import subprocess
import sys


def _production_env(home: str) -> dict[str, str]:
    """This environment without pingyi's variables and the test settings: `pingyi` as a user starts it."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("PINGYI_") and k != "DJANGO_SETTINGS_MODULE"
    }
    env["PINGYI_HOME"] = home
    return env


def _demo(home: str) -> str:
    env = _production_env(home)
    result = subprocess.run(
        [sys.executable, "-m", "pingyi", "demo", "--no-serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def _counts(output: str) -> dict[str, int]:
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^\s+(\S+)：(\d+)$", output, re.M)}


def test_demo_twice_gives_the_same_counts_and_prints_a_login_per_role(tmp_path):
    home = str(tmp_path / "home")
    first = _demo(home)
    counts = _counts(first)
    assert counts["单位"] == 38 and counts["事项"] == 1983 and counts["大厅"] == 4
    assert counts["窗口"] > 38 and counts["工作人员"] > counts["窗口"] and counts["排班"] > 10000
    for role in ("系统管理员", "纪检监察", "大厅管理", "单位管理员", "窗口工作人员", "热线话务员"):
        assert re.search(rf"{role}\s+用户名 \S+\s+密码 \S+", first), role
    assert os.path.exists(os.path.join(home, "keys.json")) and os.path.exists(
        os.path.join(home, "pingyi.sqlite3")
    )
    keys_before = open(os.path.join(home, "keys.json")).read()
    second = _demo(home)
    assert _counts(second) == counts
    assert open(os.path.join(home, "keys.json")).read() == keys_before
    verify = subprocess.run(
        [sys.executable, "-m", "pingyi", "audit", "verify"],
        env=_production_env(home),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert verify.returncode == 0, verify.stderr
