"""DocumentTemplate, moved here from inspections: the model enters this app's state on the table inspections created
(inspections_documenttemplate, kept by ``db_table``), so a deployed database keeps its rows and copies nothing. Its
content type follows it, so nothing is left pointing at inspections.documenttemplate."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor, source="inspections", target="documents"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(schema_editor.connection.alias).filter(
        app_label=source, model="documenttemplate"
    ).update(app_label=target)


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, source="documents", target="inspections")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("catalog", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        # The table exists once inspections has created it (and given ``kind`` its last form).
        ("inspections", "0004_document_kinds_as_data"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DocumentTemplate",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(max_length=32, verbose_name="文书类型")),
                        ("version", models.PositiveIntegerField(verbose_name="版本")),
                        ("content", models.BinaryField(verbose_name="模板文件")),
                        ("original_name", models.CharField(max_length=255, verbose_name="文件名")),
                        ("active", models.BooleanField(default=True, verbose_name="启用")),
                        ("uploaded_at", models.DateTimeField(auto_now_add=True, verbose_name="上传时间")),
                        ("district", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="catalog.district", verbose_name="区")),
                        ("uploaded_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="上传人")),
                    ],
                    options={
                        "verbose_name": "文书模板",
                        "verbose_name_plural": "文书模板",
                        "db_table": "inspections_documenttemplate",
                        "ordering": ["kind", "-version"],
                        "constraints": [
                            models.UniqueConstraint(fields=("district", "kind", "version"), name="doc_template_version_unique"),
                            models.UniqueConstraint(condition=models.Q(("active", True)), fields=("district", "kind"), name="doc_template_one_active"),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
