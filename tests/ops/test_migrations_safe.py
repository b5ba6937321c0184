"""Migrations on the big tables (ratings_rating, ledger_servicerecord) must not lock them for long on PostgreSQL.

After the cut-off (the migrations below, exempt with their reason) a migration may touch these tables only by:
- ``AddIndexConcurrently`` / ``RemoveIndexConcurrently`` (in a migration with ``atomic = False``);
- ``AddField`` of a nullable column, or of one with a constant ``db_default`` (PostgreSQL ≥ 11 adds it without
  rewriting the table);
- operations that change Django's state only (options, managers).
Anything else — ``AddIndex``, ``AlterField`` (a type change rewrites the table), constraints, ``RunSQL`` naming the
tables — fails here. docs/operations.md ("Upgrades") says how to write such a migration.
"""

from __future__ import annotations

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations
from django.db.migrations.loader import MigrationLoader
from django.db.models.expressions import Value
from django.db.models.fields import NOT_PROVIDED

BIG = {("ratings", "rating"): "ratings_rating", ("ledger", "servicerecord"): "ledger_servicerecord"}
EXEMPT = {
    ("ratings", "0001_initial"): "creates ratings_rating (empty when it runs)",
    ("ratings", "0004_alter_rating_received_at"): "received_at's default and index; written before this rule",
    ("ratings", "0005_unsatisfied_partial_index"): "a partial index built plainly; written before this rule",
    ("ratings", "0006_lean_indexes"): "drops single-column indexes (decision 0013); written before this rule",
    ("ledger", "0001_initial"): "creates ledger_servicerecord (empty when it runs)",
    ("ledger", "0002_lean_indexes"): "drops single-column indexes; written before this rule",
    ("ledger", "0003_entered_at_index"): "an index built plainly; written before this rule",
    ("ledger", "0004_no_db_foreign_keys"): "drops the foreign keys (decision 0017); written before this rule",
}
STATE_ONLY = (migrations.AlterModelOptions, migrations.AlterModelManagers)


def _database_operations(operations):
    for operation in operations:
        if isinstance(operation, migrations.SeparateDatabaseAndState):
            yield from _database_operations(operation.database_operations)
        else:
            yield operation


def _touches(app: str, operation) -> str | None:
    """The big table an operation changes, or None."""
    if isinstance(operation, migrations.RunSQL):
        text = " ".join(
            map(str, operation.sql if isinstance(operation.sql, list | tuple) else [operation.sql])
        )
        return next((table for table in BIG.values() if table in text), None)
    model = getattr(operation, "model_name", None) or getattr(operation, "name", None)
    return BIG.get((app, str(model).lower())) if model else None


def _problem(migration, operation) -> str | None:
    if isinstance(operation, STATE_ONLY):
        return None
    if isinstance(operation, AddIndexConcurrently | RemoveIndexConcurrently):
        return None if not migration.atomic else "a concurrent index needs a migration with atomic = False"
    if isinstance(operation, migrations.AddField):
        field = operation.field
        db_default = getattr(field, "db_default", NOT_PROVIDED)
        if field.null and field.default is NOT_PROVIDED and db_default is NOT_PROVIDED:
            return None
        if db_default is not NOT_PROVIDED and (
            not hasattr(db_default, "resolve_expression") or isinstance(db_default, Value)
        ):
            return None
        return "a column is added nullable, or with a constant db_default"
    return f"{type(operation).__name__} locks or rewrites the table"


def violations(loader: MigrationLoader) -> list[str]:
    found = []
    for (app, name), migration in sorted(loader.disk_migrations.items()):
        if (app, name) in EXEMPT:
            continue
        for operation in _database_operations(migration.operations):
            table = _touches(app, operation)
            problem = _problem(migration, operation) if table else None
            if problem:
                found.append(f"{app}.{name}: {operation.describe()} on {table}: {problem}")
    return found


def test_migrations_on_the_big_tables_do_not_lock_them():
    assert violations(MigrationLoader(None, ignore_no_migrations=True)) == []


def test_every_exempt_migration_exists():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    assert set(EXEMPT) <= set(loader.disk_migrations)


def test_the_rule_catches_a_plain_index_and_a_type_change():
    from django.db import models

    class Migration(migrations.Migration):
        operations = [
            migrations.AddIndex("rating", models.Index(fields=["channel"], name="r_channel")),
            migrations.AlterField("rating", "comment", models.TextField()),
            migrations.AddField("rating", "note", models.CharField(max_length=5, default="")),
            migrations.AddField("rating", "later", models.CharField(max_length=5, null=True)),
            AddIndexConcurrently("rating", models.Index(fields=["channel"], name="r_channel2")),
        ]

    migration = Migration("0099_example", "ratings")
    problems = [_problem(migration, op) for op in migration.operations if _touches("ratings", op)]
    assert problems[0] and problems[1] and problems[2] and problems[3] is None
    assert problems[4] == "a concurrent index needs a migration with atomic = False"
    migration.atomic = False
    assert _problem(migration, migration.operations[4]) is None
