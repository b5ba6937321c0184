"""Modules use each other only through public names: no `from pingyi… import _name` anywhere in the project, its
tests or its benchmarks, and nothing from a private module of psycopg."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OURS = ("pingyi", "tests", "benchmarks")


def _imports() -> list[tuple[str, int, str, str]]:
    found = []
    for folder in OURS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    for alias in node.names:
                        found.append((str(path.relative_to(ROOT)), node.lineno, node.module, alias.name))
                elif isinstance(node, ast.Import):
                    for alias in node.names:
                        found.append((str(path.relative_to(ROOT)), node.lineno, alias.name, ""))
    return found


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_no_private_name_is_imported_across_modules() -> None:
    crossing = [
        f"{path}:{line}: from {module} import {name}"
        for path, line, module, name in _imports()
        if module.split(".")[0] in OURS and (_private(name) or any(_private(p) for p in module.split(".")))
    ]
    assert crossing == []


def test_nothing_private_of_psycopg_is_imported() -> None:
    private = [
        f"{path}:{line}: {module} {name}".strip()
        for path, line, module, name in _imports()
        if module.split(".")[0] == "psycopg"
        and (any(_private(p) for p in module.split(".")) or _private(name))
    ]
    assert private == []
