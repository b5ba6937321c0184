"""On PostgreSQL, refuse UPDATE and DELETE on ratings at the database itself (no-op on SQLite).

Ratings are append-only by design: later decisions (appeals, revocations) are separate records. The daily seals
(pingyi/ratings/seals.py) detect a change made with the trigger disabled; the trigger stops the casual one.
"""

from django.db import migrations

from pingyi.lib.append_only import append_only


class Migration(migrations.Migration):
    dependencies = [("ratings", "0002_reason_tags")]
    operations = [migrations.RunPython(*append_only("ratings_rating", "pingyi_ratings", "ratings are append-only"))]
