"""``pingyi backup`` and ``pingyi restore``: the database, the keys and PINGYI_HOME's files in one archive.

The archive (a gzipped tar) holds ``manifest.json`` (pingyi's version, the database vendor, the migrations applied,
where the keys come from, a SHA-256 per part), the database (``database/``: a consistent online copy of SQLite, or
``pg_dump -Fc`` of PostgreSQL), the keys when the deployment keeps them in ``PINGYI_HOME/keys.json`` (``keys/``),
and every file under PINGYI_HOME that pingyi writes (``home/``: uploads of imports, the SMS outbox, mail, the call
relay's log, the causes dictionaries). Generated documents (reports, feedback forms, attachments) live in the
database. See docs/operations.md.
"""
