"""The kinds of 问责 as data (pingyi/accountability/sanctions.py), loaded into a new database.

A database upgraded from before the move already has them (tickets.0003 loaded them then, and districts may have
edited them since): it is left as it is.
"""

from django.db import migrations


def load(apps, schema_editor):
    from pingyi.accountability.sanctions import load_sanction_types

    model = apps.get_model("accountability", "SanctionType")
    if not model.objects.using(schema_editor.connection.alias).exists():
        load_sanction_types(model)


class Migration(migrations.Migration):
    dependencies = [("accountability", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
