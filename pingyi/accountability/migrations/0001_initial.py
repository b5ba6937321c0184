"""The accountability models, moved here from tickets: they enter this app's state on the tables tickets created
(``db_table``: tickets_sanctiontype, tickets_accountabilityrecord, tickets_suggestion, tickets_mechanism, and the
many-to-many tables named after them), so a deployed database keeps its rows and copies nothing. Their content types
follow them. tickets.0005 removes them from the tickets app's state afterwards."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ["sanctiontype", "accountabilityrecord", "suggestion", "mechanism"]


def move_content_types(apps, schema_editor, source="tickets", target="accountability"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(schema_editor.connection.alias).filter(
        app_label=source, model__in=MODELS
    ).update(app_label=target)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="accountability", target="tickets")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("catalog", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("inspections", "0002_finding_types"),
        # The tables exist once tickets has created them (0002) and loaded the sanction types (0003).
        ("tickets", "0004_ticket_files"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]
    run_before = [("tickets", "0005_accountability_to_own_app")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SanctionType",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("code", models.CharField(max_length=20, unique=True, verbose_name="代码")),
                        ("name", models.CharField(max_length=40, verbose_name="名称")),
                        ("category", models.CharField(choices=[("organisational", "组织处理"), ("government", "政务处分"), ("party", "党纪处分")], max_length=16, verbose_name="类别")),
                        ("severity", models.PositiveSmallIntegerField(verbose_name="轻重顺序")),
                        ("active", models.BooleanField(default=True, verbose_name="启用")),
                    ],
                    options={
                        "verbose_name": "问责方式",
                        "verbose_name_plural": "问责方式",
                        "db_table": "tickets_sanctiontype",
                        "ordering": ["category", "severity"],
                    },
                ),
                migrations.CreateModel(
                    name="AccountabilityRecord",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("person_name", models.CharField(max_length=50, verbose_name="姓名")),
                        ("person_title", models.CharField(blank=True, max_length=100, verbose_name="职务")),
                        ("reason", models.TextField(verbose_name="问责事由")),
                        ("document_no", models.CharField(blank=True, max_length=60, verbose_name="文号")),
                        ("decided_on", models.DateField(verbose_name="决定日期")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("decided_by", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("district", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="catalog.district")),
                        ("findings", models.ManyToManyField(blank=True, related_name="accountability", to="inspections.finding", verbose_name="相关检查发现")),
                        ("staff", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="catalog.staff", verbose_name="工作人员")),
                        ("tickets", models.ManyToManyField(blank=True, related_name="accountability", to="tickets.ticket", verbose_name="相关工单")),
                        ("unit", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="catalog.unit", verbose_name="单位")),
                        ("sanction", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="accountability.sanctiontype", verbose_name="问责方式")),
                    ],
                    options={
                        "verbose_name": "问责处理",
                        "verbose_name_plural": "问责处理",
                        "db_table": "tickets_accountabilityrecord",
                        "ordering": ["-decided_on", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="Suggestion",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("number", models.CharField(max_length=60, verbose_name="文号")),
                        ("issues", models.TextField(verbose_name="存在问题")),
                        ("suggestions", models.TextField(verbose_name="监察建议")),
                        ("reply_by", models.DateField(verbose_name="反馈期限")),
                        ("issued_on", models.DateField(verbose_name="发出日期")),
                        ("district", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="catalog.district")),
                        ("findings", models.ManyToManyField(blank=True, related_name="+", to="inspections.finding")),
                        ("issued_by", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("tickets", models.ManyToManyField(blank=True, related_name="+", to="tickets.ticket")),
                        ("unit", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="catalog.unit", verbose_name="单位")),
                    ],
                    options={
                        "verbose_name": "纪检监察建议书",
                        "verbose_name_plural": "纪检监察建议书",
                        "db_table": "tickets_suggestion",
                        "ordering": ["-issued_on", "-id"],
                        "constraints": [models.UniqueConstraint(fields=("district", "number"), name="suggestion_number_unique")],
                    },
                ),
                migrations.CreateModel(
                    name="Mechanism",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("title", models.CharField(max_length=200, verbose_name="名称")),
                        ("description", models.TextField(verbose_name="主要内容")),
                        ("adopted_on", models.DateField(verbose_name="建立日期")),
                        ("district", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="catalog.district")),
                        ("findings", models.ManyToManyField(blank=True, related_name="+", to="inspections.finding", verbose_name="起因检查发现")),
                        ("recorded_by", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("tickets", models.ManyToManyField(blank=True, related_name="+", to="tickets.ticket", verbose_name="起因工单")),
                        ("unit", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="catalog.unit", verbose_name="单位")),
                        ("suggestion", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="mechanisms", to="accountability.suggestion", verbose_name="对应建议书")),
                    ],
                    options={
                        "verbose_name": "制度机制",
                        "verbose_name_plural": "制度机制",
                        "db_table": "tickets_mechanism",
                        "ordering": ["-adopted_on", "-id"],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
