"""Seed the finding types (漏报, 虚报, 选择性上报 …) as data."""

from django.db import migrations

from pingyi.inspections.finding_types import TYPES, load_finding_types


def load(apps, schema_editor):
    load_finding_types(apps.get_model("inspections", "FindingType"))


def unload(apps, schema_editor):
    apps.get_model("inspections", "FindingType").objects.filter(code__in=[t[0] for t in TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
