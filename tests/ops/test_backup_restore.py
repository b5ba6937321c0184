"""The restore drill: data made, backed up, restored into a fresh database and a fresh PINGYI_HOME, verified there.

It runs on the database the suite runs on (SQLite, or PostgreSQL with PINGYI_DATABASE_URL): the backup reads the
test's own database; `pingyi restore` and `pingyi audit verify` run as subprocesses on a new SQLite file or a new
PostgreSQL database, as an operator would run them.
"""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from pingyi.audit.models import AuditEntry
from pingyi.ops.backup.archive import MANIFEST, read_manifest
from pingyi.ratings.models import Rating
from pingyi.tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)

SHOW = (
    "from pingyi.ratings.models import Rating; from pingyi.tickets.models import Ticket; "
    "from pingyi.audit.models import AuditEntry; from pingyi.imports.models import ImportJob; import json, pathlib; "
    "job = ImportJob.objects.get(); t = Ticket.objects.get(); "
    "print(json.dumps({'ratings': Rating.objects.count(), 'tickets': Ticket.objects.count(), "
    "'audit': AuditEntry.objects.count(), 'phone': t.phone_plain(), 'upload': pathlib.Path(job.file_path).read_text(), "
    "'upload_path': job.file_path}))"
)


def test_the_restore_drill(made, tmp_path, fresh_database_url, child_env, pingyi):
    archive = tmp_path / "drill.tar.gz"
    call_command("backup", "--output", str(archive))

    manifest = read_manifest(archive)
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["keys"]["in_archive"] and manifest["keys"]["source"] == "PINGYI_HOME/keys.json"
    upload = Path(made["job"].file_path)
    assert f"home/uploads/{upload.name}" in manifest["parts"]
    assert all(len(part["sha256"]) == 64 for part in manifest["parts"].values())
    assert "0001_initial" in manifest["migrations"]["ratings"]

    home = tmp_path / "restored-home"
    env = child_env(home, fresh_database_url)
    out = pingyi(env, "restore", str(archive)).stdout
    assert "migration state matches the manifest" in out, out
    assert "import jobs now point at their files under" in out, out

    verified = pingyi(env, "audit", "verify")
    assert "audit chain intact" in verified.stdout, verified.stdout + verified.stderr

    shown = json.loads(pingyi(env, "shell", "-c", SHOW).stdout.strip().splitlines()[-1])
    assert shown["ratings"] == Rating.objects.count() == 5
    assert shown["tickets"] == Ticket.objects.count() == 1
    assert shown["audit"] == AuditEntry.objects.count()
    assert shown["phone"] == "13912345678"  # the field key came along: the phone decrypts
    assert shown["upload"] == upload.read_text()
    assert Path(shown["upload_path"]).is_relative_to(home)


def test_restore_refuses_a_database_that_is_not_empty_unless_forced(
    made, tmp_path, fresh_database_url, child_env, pingyi
):
    archive = tmp_path / "a.tar.gz"
    call_command("backup", "--output", str(archive))
    env = child_env(tmp_path / "home", fresh_database_url)
    pingyi(env, "restore", str(archive))
    again = pingyi(env, "restore", str(archive), check=False)
    assert again.returncode != 0 and "the database is not empty" in again.stderr, again.stderr
    forced = pingyi(env, "restore", "--force", str(archive))
    assert "migration state matches the manifest" in forced.stdout
    assert "audit chain intact" in pingyi(env, "audit", "verify").stdout


def test_restore_refuses_an_archive_whose_part_was_changed(
    made, tmp_path, fresh_database_url, child_env, pingyi
):
    archive = tmp_path / "a.tar.gz"
    call_command("backup", "--output", str(archive))
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(tampered, "w:gz") as target:
        for member in source:
            data = source.extractfile(member)
            if member.name.startswith("home/uploads/"):
                body = data.read() + b"X"
                member.size = len(body)
                data = io.BytesIO(body)
            target.addfile(member, data)
    result = pingyi(child_env(tmp_path / "home", fresh_database_url), "restore", str(tampered), check=False)
    assert result.returncode != 0 and "does not match its SHA-256" in result.stderr, result.stderr


def test_keys_from_the_environment_stay_out_of_the_archive_and_must_match_on_restore(
    made, tmp_path, fresh_database_url, settings, child_env, pingyi
):
    archive = tmp_path / "a.tar.gz"
    (Path(settings.HOME) / "keys.json").rename(Path(settings.HOME) / "keys.json.away")
    try:
        call_command("backup", "--output", str(archive))
    finally:
        (Path(settings.HOME) / "keys.json.away").rename(Path(settings.HOME) / "keys.json")
    manifest = read_manifest(archive)
    assert not manifest["keys"]["in_archive"] and manifest["keys"]["source"] == "environment"
    with tarfile.open(archive) as tar:
        assert not [m for m in tar.getnames() if m.startswith("keys/")]
        assert MANIFEST in tar.getnames()

    wrong = pingyi(child_env(tmp_path / "home", fresh_database_url), "restore", str(archive), check=False)
    assert wrong.returncode != 0 and "differ from the backup's" in wrong.stderr, wrong.stderr
    given = child_env(
        tmp_path / "home2",
        fresh_database_url,
        PINGYI_SECRET_KEY=settings.SECRET_KEY,
        PINGYI_FIELD_KEY=settings.PINGYI_FIELD_KEY,
        PINGYI_AUDIT_KEY=settings.PINGYI_AUDIT_KEY,
    )
    pingyi(given, "restore", str(archive))
    assert "audit chain intact" in pingyi(given, "audit", "verify").stdout
