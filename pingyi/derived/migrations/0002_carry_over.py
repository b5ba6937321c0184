"""The bookkeeping kept before the feed (decisions 0015, 0018) carried over into cursors and changes.

- insight: each pending ``DirtyDay`` becomes a change (source ``repair``); the rollups' timestamp watermark becomes
  id positions: every rating received and every record entered within its ten-minute margin or later is read
  again (a day recounted twice is harmless). No watermark (never refreshed): no cursor, the first tick rebuilds.
- oversight: each district's ``FactState`` ids and pending looks become its cursor; the changes carried over for
  insight are behind it (the facts read no revocation and no hall).
"""

from datetime import timedelta

from django.db import migrations
from django.utils import timezone

INSIGHT = "insight.cubes"
OVERSIGHT = "oversight.facts"
MARGIN = timedelta(minutes=10)


def _first_after(connection, table: str, stamp: str, since) -> int:
    """The position before the first row stamped at or after ``since`` (the largest id when there is none)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN(id) FROM {table} WHERE {stamp} >= %s", [since])  # noqa: S608
        first = cursor.fetchone()[0]
        if first is not None:
            return int(first) - 1
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
        return int(cursor.fetchone()[0])


def carry_over(apps, schema_editor):
    Change = apps.get_model("derived", "Change")
    Cursor = apps.get_model("derived", "Cursor")
    DirtyDay = apps.get_model("insight", "DirtyDay")
    RollupState = apps.get_model("insight", "RollupState")
    FactState = apps.get_model("oversight", "FactState")
    connection = schema_editor.connection
    Change.objects.bulk_create(
        [
            Change(district_id=d.district_id, day=d.day, source="repair", added_only=False)
            for d in DirtyDay.objects.order_by("district_id", "day")
        ],
        batch_size=1000,
    )
    state = RollupState.objects.filter(pk=1).first()
    if state is not None and state.watermark is not None:
        since = state.watermark - MARGIN
        Cursor.objects.create(
            subscriber=INSIGHT,
            district_id=0,
            change_id=0,
            rating_id=_first_after(connection, "ratings_rating", "received_at", since),
            record_id=_first_after(connection, "ledger_servicerecord", "entered_at", since),
            taken_at=state.refreshed_at or state.watermark,
        )
    last_change = Change.objects.order_by("-id").values_list("id", flat=True).first() or 0
    for fact in FactState.objects.all():
        Cursor.objects.create(
            subscriber=OVERSIGHT,
            district_id=fact.district_id,
            change_id=last_change,
            rating_id=fact.rating_id,
            record_id=fact.record_id,
            looks=[[at, last_change, rating, record] for at, rating, record in fact.looks],
            taken_at=fact.refreshed_at or timezone.now(),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("derived", "0001_initial"),
        ("insight", "0002_wide_cubes"),
        ("oversight", "0005_drop_seen_days"),
        ("ratings", "0006_lean_indexes"),
        ("ledger", "0004_no_db_foreign_keys"),
    ]

    operations = [migrations.RunPython(carry_over, migrations.RunPython.noop)]
