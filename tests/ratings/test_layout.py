"""The ratings app's layout contract (decision 0027): one door, public names only, no app importing the wrong way."""

from __future__ import annotations

import ast
from pathlib import Path

from django.urls import resolve

PINGYI = Path(__file__).resolve().parents[2] / "pingyi"


def imports(folder: Path) -> list[tuple[str, str, str]]:
    """(file, module, name) of every ``from module import name`` and ``import module`` under ``folder``."""
    found = []
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            where = str(path.relative_to(PINGYI))
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found += [(where, node.module, alias.name) for alias in node.names]
            elif isinstance(node, ast.Import):
                found += [(where, alias.name, "") for alias in node.names]
    return found


def test_no_private_name_is_imported_across_modules():
    offenders = [
        f"{where}: from {module} import {name}"
        for folder in ("ratings", "audit", "sms")
        for where, module, name in imports(PINGYI / folder)
        if name.startswith("_") and module != "__future__"
    ]
    assert offenders == []


def test_no_private_psycopg_module_is_imported():
    offenders = [
        f"{where}: {module}"
        for where, module, _ in imports(PINGYI)
        if module.startswith("psycopg.") and any(part.startswith("_") for part in module.split("."))
    ]
    assert offenders == []


def test_audit_imports_nothing_of_ratings():
    assert [f"{w}: {m}" for w, m, _ in imports(PINGYI / "audit") if m.startswith("pingyi.ratings")] == []


def test_the_door_imports_no_view_and_no_channel_but_the_citizen_forms():
    """The intake package (the lean WSGI adapter included) reads the citizen form's field names, nothing more."""
    allowed = {"pingyi.ratings.channels.citizen.forms", "pingyi.ratings.channels.citizen.answers"}
    offenders = [
        f"{w}: {m}"
        for w, m, _ in imports(PINGYI / "ratings" / "intake")
        if (".views" in m or m.startswith("pingyi.ratings.channels")) and m not in allowed
    ]
    assert offenders == []


def test_every_channel_has_the_same_shape():
    channels = PINGYI / "ratings" / "channels"
    names = sorted(p.name for p in channels.iterdir() if p.is_dir() and not p.name.startswith("_"))
    assert names == ["citizen", "device", "exchange", "operator", "sms"]
    for name in names:
        assert (channels / name / "__init__.py").read_text(encoding="utf-8").startswith('"""'), name
        adapter = ast.parse((channels / name / "adapter.py").read_text(encoding="utf-8"))
        functions = [n.name for n in adapter.body if isinstance(n, ast.FunctionDef)]
        assert functions == ["submit"], name


def test_the_sms_webhook_is_the_sms_apps():
    match = resolve("/operator/sms/inbound")
    assert match.namespace == "sms" and match.func.__module__ == "pingyi.sms.views"


def test_every_fact_of_the_rules_is_named_by_each_statement():
    """The limits and flags are one table (intake/rules.py); each store must know every fact it may ask about."""
    from pingyi.ratings.intake import batch, rules, statement

    assert set(statement.FACT_SQL) == set(rules.FACTS) == set(batch.FACT_SQL)
    used = {name for flag in rules.FLAGS for name in _facts_of(flag.when)}
    used |= {name for limit in rules.LIMITS for name in _facts_of(limit.when)}
    assert used <= set(rules.FACTS)
    assert [flag.name for flag in rules.FLAGS] == [
        "staff_phone",
        "staff_device",
        "burst",
        "phone_many",
        "phone_differs_from_record",
        "outside_hours",
    ]


def _facts_of(expr) -> set[str]:
    names: set[str] = set()
    rendered = expr.sql(lambda name: names.add(name) or name)
    assert rendered
    return names
