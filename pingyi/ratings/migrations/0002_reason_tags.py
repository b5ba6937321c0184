from django.db import migrations


def load(apps, schema_editor):
    from pingyi.ratings.tagdata import load_tag_sets

    load_tag_sets(apps.get_model("ratings", "ReasonTag"))


class Migration(migrations.Migration):
    dependencies = [("ratings", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
