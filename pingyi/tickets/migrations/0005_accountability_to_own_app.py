"""SanctionType, AccountabilityRecord, Suggestion and Mechanism moved to the accountability app: removed from this
app's state only. Their tables (tickets_sanctiontype, tickets_accountabilityrecord … and the many-to-many tables) stay,
with every row: accountability.0001_initial takes them over under the same names, and the bulletins' link to the
records is re-pointed (disclosure.0002) before this runs (both declare ``run_before``)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0004_ticket_files"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Mechanism"),
                migrations.DeleteModel(name="Suggestion"),
                migrations.DeleteModel(name="AccountabilityRecord"),
                migrations.DeleteModel(name="SanctionType"),
            ],
            database_operations=[],
        ),
    ]
