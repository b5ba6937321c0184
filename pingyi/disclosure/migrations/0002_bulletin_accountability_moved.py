"""The bulletins' link to accountability records follows the model to the accountability app (state only: the
many-to-many table disclosure_bulletin_accountability and its column accountabilityrecord_id stay as they are)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accountability", "0001_initial"),
        ("disclosure", "0001_initial"),
    ]
    run_before = [("tickets", "0005_accountability_to_own_app")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="bulletin",
                    name="accountability",
                    field=models.ManyToManyField(blank=True, related_name="+", to="accountability.accountabilityrecord", verbose_name="相关问责处理"),
                ),
            ],
            database_operations=[],
        ),
    ]
