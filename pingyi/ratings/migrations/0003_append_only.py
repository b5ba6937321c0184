"""On PostgreSQL, refuse UPDATE and DELETE on ratings at the database itself (no-op on SQLite).

Ratings are append-only by design: later decisions (appeals, revocations) are separate records. The daily seals
(pingyi/ratings/seals.py) detect a change made with the trigger disabled; the trigger stops the casual one.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION pingyi_ratings_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ratings are append-only: % refused on %', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER ratings_rating_append_only
    BEFORE UPDATE OR DELETE ON ratings_rating
    FOR EACH ROW EXECUTE FUNCTION pingyi_ratings_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS ratings_rating_append_only ON ratings_rating;
DROP FUNCTION IF EXISTS pingyi_ratings_refuse_change();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("ratings", "0002_reason_tags")]
    operations = [migrations.RunPython(forwards, backwards)]
