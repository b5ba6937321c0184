from django.db import migrations


def load(apps, schema_editor):
    from pingyi.ratings.tagdata import CURRENT_VERSION, TAG_SETS

    ReasonTag = apps.get_model("ratings", "ReasonTag")
    for version, tags in TAG_SETS.items():
        for code, level5, label in tags:
            ReasonTag.objects.get_or_create(
                version=version, code=code,
                defaults={"level5": level5, "label": label, "active": version == CURRENT_VERSION},
            )


class Migration(migrations.Migration):
    dependencies = [("ratings", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
