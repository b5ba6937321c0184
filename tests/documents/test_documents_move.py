"""DocumentTemplate moved out of inspections on its table: a database at the schema before the move keeps its
templates (and their content type follows the model)."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from pingyi.documents.models import DocumentTemplate

BEFORE = [("inspections", "0004_document_kinds_as_data"), ("documents", None)]


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_move_keeps_its_templates(world):
    MigrationExecutor(connection).migrate(BEFORE)
    try:
        old = MigrationExecutor(connection).loader.project_state([BEFORE[0]]).apps
        OldTemplate = old.get_model("inspections", "DocumentTemplate")
        assert ContentType.objects.get(model="documenttemplate").app_label == "inspections"
        row = OldTemplate.objects.create(
            district_id=world.district.pk,
            kind="inspection_feedback",
            version=1,
            content=b"PK docx",
            original_name="反馈表.docx",
            uploaded_by_id=world.users["inspector"].pk,
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    moved = DocumentTemplate.objects.get(pk=row.pk)
    assert moved.active and bytes(moved.content) == b"PK docx" and moved.district == world.district
    assert ContentType.objects.filter(app_label="documents", model="documenttemplate").exists()
    assert not ContentType.objects.filter(app_label="inspections", model="documenttemplate").exists()
