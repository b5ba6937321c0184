"""A PostgreSQL trigger that makes a table append-only (UPDATE and DELETE refused); nothing on other databases.

Used by migrations: ``migrations.RunPython(*append_only("audit_auditentry", "pingyi_audit", "audit log is
append-only"))``.
The trigger is named ``<table>_append_only``; tests disable it by that name to prove tampering is still detected.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def append_only(table: str, function: str, message: str) -> tuple[Callable[..., None], Callable[..., None]]:
    create = f"""
CREATE OR REPLACE FUNCTION {function}_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{message}: % refused on %', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {table}_append_only
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {function}_refuse_change();
"""
    drop = f"""
DROP TRIGGER IF EXISTS {table}_append_only ON {table};
DROP FUNCTION IF EXISTS {function}_refuse_change();
"""

    def forwards(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                create, params=None
            )  # params=None: the '%' are PL/pgSQL's, not placeholders

    def backwards(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(drop, params=None)

    return forwards, backwards
