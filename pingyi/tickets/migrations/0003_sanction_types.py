"""Once the data migration of the kinds of 问责; the sanction types moved to the accountability app with their table,
and accountability.0002_sanction_types loads them into a new database. A database that ran this before keeps its rows.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("tickets", "0002_accountability")]
    operations = []
