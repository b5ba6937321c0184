"""Writing and reading a backup archive: the parts, their checksums and the manifest (``MANIFEST``)."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from pingyi.ops.backup import database, home, keys

FORMAT = "pingyi-backup/1"
MANIFEST = "manifest.json"
KEYS_PART = "keys/keys.json"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def pingyi_version() -> str:
    try:
        return version("pingyi")
    except PackageNotFoundError:
        return "unknown"


def migration_state() -> dict[str, list[str]]:
    """The migrations recorded as applied, per app, sorted."""
    state: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        state.setdefault(app, []).append(name)
    return state


@dataclass
class Written:
    path: Path
    manifest: dict[str, Any]
    parts: dict[str, dict[str, Any]] = field(default_factory=dict)


def backup_create(output: Path, *, include_keys: bool = False) -> Written:
    """Write the archive to ``output`` (through a temporary file beside it, so a broken run leaves no archive)."""
    root = Path(settings.HOME).resolve()
    from_home = keys.keys_from_home(root)
    output = output.resolve()
    parts: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="pingyi-backup-") as scratch:
        dump = Path(scratch) / "database"
        tool = database.dump(dump)
        staged: list[tuple[str, Path]] = [(database.part_name(), dump)]
        if from_home:
            staged.append((KEYS_PART, root / keys.KEYS_FILE))
        elif include_keys:
            copy = Path(scratch) / "keys.json"
            copy.write_text(json.dumps(keys.keys_in_use(), indent=2), encoding="utf-8")
            staged.append((KEYS_PART, copy))
        staged += [
            (f"home/{relative.as_posix()}", root / relative)
            for relative in home.home_files(root, leave_out=[output])
        ]
        for name, path in staged:
            parts[name] = {"sha256": sha256_of(path), "bytes": path.stat().st_size}
        manifest = {
            "format": FORMAT,
            "pingyi_version": pingyi_version(),
            "created_at": timezone.now().isoformat(),
            "database": {"vendor": database.vendor(), "part": database.part_name(), "tool": tool},
            "migrations": migration_state(),
            "keys": {
                "in_archive": from_home or include_keys,
                "source": "PINGYI_HOME/keys.json" if from_home else "environment",
                "fingerprints": keys.fingerprints(keys.keys_in_use()),
            },
            "home": {"path": str(root), "upload_root": str(home.upload_root())},
            "parts": parts,
        }
        temporary = output.with_name(output.name + ".partial")
        output.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(temporary, "w:gz") as tar:
            for name, path in staged:
                tar.add(path, arcname=name, recursive=False)
            body = json.dumps(manifest, indent=2, ensure_ascii=False, default=str).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(body), int(datetime.now().timestamp()), 0o600
            tar.addfile(info, io.BytesIO(body))
        temporary.chmod(0o600)
        temporary.replace(output)
    return Written(output, manifest, parts)


def read_manifest(archive: Path) -> dict[str, Any]:
    with tarfile.open(archive, "r:*") as tar:
        member = tar.extractfile(MANIFEST)
        if member is None:
            raise CommandError(f"{archive}: no {MANIFEST}")
        manifest = json.loads(member.read().decode())
    if manifest.get("format") != FORMAT:
        raise CommandError(f"{archive}: not a pingyi backup ({manifest.get('format')!r})")
    return dict(manifest)


def extract_verified(archive: Path, manifest: dict[str, Any], into: Path) -> dict[str, Path]:
    """Unpack every part into ``into``, checking each against its SHA-256; returns part name → file."""
    expected: dict[str, dict[str, Any]] = manifest["parts"]
    found: dict[str, Path] = {}
    with tarfile.open(archive, "r:*") as tar:
        for member in tar:
            if member.name == MANIFEST:
                continue
            if member.name not in expected or not member.isfile():
                raise CommandError(f"{archive}: unexpected member {member.name!r}")
            target = into / "parts" / str(len(found))
            target.parent.mkdir(parents=True, exist_ok=True)
            source = tar.extractfile(member)
            assert source is not None
            with target.open("wb") as out:
                shutil.copyfileobj(source, out)
            if sha256_of(target) != expected[member.name]["sha256"]:
                raise CommandError(f"{archive}: {member.name} does not match its SHA-256 in the manifest")
            found[member.name] = target
    missing = sorted(set(expected) - set(found))
    if missing:
        raise CommandError(f"{archive}: parts missing: {', '.join(missing)}")
    return found


@dataclass
class Restored:
    manifest: dict[str, Any]
    files: int
    pending_migrations: list[str]
    unknown_migrations: list[str]
    notes: list[str]


def _check_keys(manifest: dict[str, Any], parts: dict[str, Path], root: Path) -> dict[str, str] | None:
    """The keys the restored deployment will run with must be the archive's; returns the keys file to write."""
    archived = json.loads(parts[KEYS_PART].read_text(encoding="utf-8")) if KEYS_PART in parts else None
    from pingyi.lib.env import envstr

    effective = {}
    for name in manifest["keys"]["fingerprints"]:
        from_env = envstr(f"PINGYI_{name.upper()}")
        effective[name] = from_env or (archived or {}).get(name) or keys.stored_keys(root).get(name, "")
    wrong = [
        name
        for name, print_ in manifest["keys"]["fingerprints"].items()
        if keys.fingerprint(effective.get(name, "")) != print_
    ]
    if wrong:
        where = "PINGYI_HOME/keys.json" if archived is None else "the environment (PINGYI_*_KEY, *_KEY_FILE)"
        raise CommandError(
            f"the keys this deployment would run with differ from the backup's ({', '.join(wrong)}; set in {where}): "
            "phones would stay unreadable and `pingyi audit verify` would fail. Give it the source's keys first."
        )
    return archived


def backup_restore(archive: Path, *, force: bool = False) -> Restored:
    manifest = read_manifest(archive)
    root = Path(settings.HOME).resolve()
    if manifest["database"]["vendor"] != database.vendor():
        raise CommandError(
            f"the archive holds a {manifest['database']['vendor']} database; this deployment uses {database.vendor()}"
        )
    if not force and not database.is_empty():
        raise CommandError(
            "the database is not empty: restore into an empty database, or pass --force to replace it"
        )
    if not force and not home.home_is_empty(root):
        raise CommandError(
            f"PINGYI_HOME ({root}) already holds files: restore into an empty home, or pass --force"
        )
    notes: list[str] = []
    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    with tempfile.TemporaryDirectory(prefix="pingyi-restore-") as scratch:
        parts = extract_verified(archive, manifest, Path(scratch))
        archived_keys = _check_keys(manifest, parts, root)
        if archived_keys is not None:
            current = root / keys.KEYS_FILE
            # Into an empty database and home, the keys.json found was made when this command started: it guards
            # nothing. Under --force it may guard what is being replaced, so it is kept.
            if (
                force
                and current.exists()
                and keys.stored_keys(root) != {k: v for k, v in archived_keys.items() if v}
            ):
                current.replace(root / f"{keys.KEYS_FILE}.before-restore-{stamp}")
                notes.append(f"the keys.json found was kept as keys.json.before-restore-{stamp}")
            root.mkdir(parents=True, exist_ok=True)
            temporary = root / "keys.tmp"
            shutil.copyfile(parts[KEYS_PART], temporary)
            temporary.chmod(0o600)
            temporary.replace(current)
        database.restore(parts[manifest["database"]["part"]], stamp=stamp)
        files = 0
        for name, path in parts.items():
            if name.startswith("home/"):
                target = root / name.removeprefix("home/")
                if root not in target.resolve().parents:
                    raise CommandError(f"{archive}: {name} points outside PINGYI_HOME")
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
                files += 1
    connection.close()
    state = migration_state()
    if state != manifest["migrations"]:
        raise CommandError(
            "the restored database's migrations differ from the manifest's: the restore is incomplete"
        )
    notes += _move_upload_paths(Path(manifest["home"]["upload_root"]), home.upload_root())
    executor = MigrationExecutor(connection)
    pending = [
        f"{m.app_label}.{m.name}" for m, _ in executor.migration_plan(executor.loader.graph.leaf_nodes())
    ]
    known = set(executor.loader.graph.nodes)
    unknown = [f"{app}.{name}" for app, names in state.items() for name in names if (app, name) not in known]
    return Restored(manifest, files, pending, unknown, notes)


def _move_upload_paths(old: Path, new: Path) -> list[str]:
    """Import jobs name their stored file by its full path: point them into the new home's uploads."""
    if old == new:
        return []
    from django.db.models import Value
    from django.db.models.functions import Concat, Substr

    from pingyi.imports.models import ImportJob

    prefix = f"{old}/"
    moved = ImportJob.objects.filter(file_path__startswith=prefix).update(
        file_path=Concat(Value(f"{new}/"), Substr("file_path", len(prefix) + 1))
    )
    return [f"{moved} import jobs now point at their files under {new}"] if moved else []
