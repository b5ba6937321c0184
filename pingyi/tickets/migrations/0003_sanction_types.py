"""The kinds of 问责 as data (pingyi/tickets/sanctions.py)."""

from django.db import migrations

def load(apps, schema_editor):
    from pingyi.tickets.sanctions import load_sanction_types

    load_sanction_types(apps.get_model("tickets", "SanctionType"))


class Migration(migrations.Migration):
    dependencies = [("tickets", "0002_accountability")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
