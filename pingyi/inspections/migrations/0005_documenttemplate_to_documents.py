"""DocumentTemplate moved to the documents app: removed from this app's state only; its table stays where it is
(documents.0001_initial takes it over under the same name, inspections_documenttemplate)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0004_document_kinds_as_data"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="DocumentTemplate")],
            database_operations=[],
        ),
    ]
