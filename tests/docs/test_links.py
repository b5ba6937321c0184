"""The docs stand on their own: every relative link in README.md and docs/ reaches a file of the repository, and no
file of the repository names a path of a development machine."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINK = re.compile(r"\]\(([^)\s]+)\)")
MACHINE_PATH = re.compile(r"(?<![\w.])/(?:work|root|home/[a-z]+)/[\w.-]")


def _markdown() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def test_every_relative_link_reaches_a_file() -> None:
    broken = []
    for page in _markdown():
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            if re.match(r"^[a-z]+:", target) or target.startswith("#"):
                continue
            path = (page.parent / target.split("#", 1)[0]).resolve()
            if not path.exists():
                broken.append(f"{page.relative_to(ROOT)} → {target}")
    assert broken == []


def test_no_file_names_a_path_of_a_development_machine() -> None:
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    found = []
    for name in tracked:
        if not name.endswith(
            (".py", ".md", ".sh", ".toml", ".cfg", ".conf", ".service", ".html", ".txt", ".ini")
        ):
            continue
        text = (ROOT / name).read_text(encoding="utf-8", errors="replace")
        if name == "tests/docs/test_links.py":
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if MACHINE_PATH.search(line):
                found.append(f"{name}:{number}: {line.strip()[:100]}")
    assert found == []
