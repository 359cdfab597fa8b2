"""One-file backups of the console and their restore (README "备份与恢复").

A backup is a tar file (mode 0600: it holds the keys) with, in this order:

- `manifest.json`: format, time, engine, Alembic revision, versions (Python, SQLAlchemy, SQLite
  or the PostgreSQL server and pg_dump), the audit head, every table's row count and content
  hash, and the SHA-256 and size of every other part;
- `database.sqlite` (SQLite's online backup API: one consistent copy while writers go on) or
  `database.pgdump` (`pg_dump -Fc` in a REPEATABLE READ snapshot that the row counts and
  hashes are read in too);
- `instance/...`: the instance folder (secret key, audit key, pending imports; SQLite files
  left out), `audit/checkpoints.jsonl` and `audit/archive/...` (the audit checkpoints and
  archives, wherever they are configured).

The files are copied before the database snapshot, so every checkpoint in the backup describes
entries the snapshot holds. `restore` refuses a non-empty database unless forced, checks every
part against the manifest and the revision against the code, loads the database, puts the
files back (keeping a differing file as `<name>.before-restore`), and compares every table's
count and hash with the manifest. The caller then verifies the audit chain.
"""

import hashlib
import io
import json
import os
import shutil
import sys
import tarfile
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy
from flask_babel import gettext as _
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url

from app.models.base import utcnow
from app.services.errors import ConflictError

from .engines import (
    BackupError,
    dump_postgresql,
    dump_sqlite,
    load_postgresql,
    load_sqlite,
    table_digests,
)

FORMAT = 1
DB_PART = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}
SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3", ".db-wal", ".db-shm", ".db-journal", ".part")


@dataclass
class Place:
    """Where the console keeps its files: instance folder, checkpoint file, archive folder."""

    instance: Path
    checkpoints: Path | None
    archive: Path | None

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "Place":
        def path(name):
            return Path(config[name]).resolve() if config.get(name) else None

        return cls(
            Path(config.get("INSTANCE_DIR") or "instance").resolve(),
            path("AUDIT_CHECKPOINT_FILE"),
            path("AUDIT_ARCHIVE_DIR"),
        )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _engine_name(url) -> str:
    name = make_url(url).get_backend_name()
    if name not in DB_PART:
        raise BackupError(_("不支持的数据库：{name}。").format(name=name))
    return name


def _sqlite_path(url) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError(_("只能备份和恢复 SQLite 数据库文件。"))
    return Path(database)


# --- what the files are ------------------------------------------------------------------------


def _files(place: Place, db_file: Path | None):
    """(part name, path) of every file to keep."""
    found = []
    skip = {p for p in (place.checkpoints, db_file) if p is not None}
    archive = place.archive
    if place.instance.is_dir():
        for path in sorted(place.instance.rglob("*")):
            if not path.is_file() or path.resolve() in skip:
                continue
            if archive is not None and archive in path.resolve().parents:
                continue
            if path.name.endswith(SQLITE_SUFFIXES) or ".before-restore" in path.name:
                continue
            found.append((f"instance/{path.relative_to(place.instance).as_posix()}", path))
    if place.checkpoints is not None and place.checkpoints.is_file():
        found.append(("audit/checkpoints.jsonl", place.checkpoints))
    if archive is not None and archive.is_dir():
        found.extend(
            (f"audit/archive/{path.relative_to(archive).as_posix()}", path)
            for path in sorted(archive.rglob("*"))
            if path.is_file() and not path.name.endswith(".part")
        )
    return found


def _target(place: Place, part: str) -> Path:
    if part == "audit/checkpoints.jsonl":
        return place.checkpoints or place.instance / "audit_checkpoints.jsonl"
    if part.startswith("audit/archive/"):
        return (place.archive or place.instance / "audit_archive") / part[len("audit/archive/") :]
    if part.startswith("instance/"):
        return place.instance / part[len("instance/") :]
    raise BackupError(_("备份文件中有无法识别的部分：{part}。").format(part=part))


# --- backup ------------------------------------------------------------------------------------


def backup(url: str, out: Path, config: Mapping[str, Any]) -> dict:
    """Write the backup of the database at `url` and the files of `config` to `out`."""
    engine_name = _engine_name(url)
    place = Place.from_config(config)
    db_file = _sqlite_path(url).resolve() if engine_name == "sqlite" else None
    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="console-backup-") as work:
        work = Path(work)
        # Files first: every checkpoint they hold is then older than the database snapshot.
        parts = []
        for part, path in _files(place, db_file):
            copy = work / "files" / part
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, copy)
            parts.append((part, copy))
        dump = work / DB_PART[engine_name]
        if engine_name == "sqlite":
            details = dump_sqlite(db_file, dump)
        else:
            details = dump_postgresql(url, dump)
        manifest = {
            "format": FORMAT,
            "created_at": utcnow().isoformat(timespec="seconds") + "Z",
            "engine": engine_name,
            "versions": {
                "python": sys.version.split()[0],
                "sqlalchemy": sqlalchemy.__version__,
                **details["versions"],
            },
            "alembic_revision": details["revision"],
            "audit_head": details["audit_head"],
            "tables": details["tables"],
            "parts": {
                name: {"sha256": _sha256(path), "size": path.stat().st_size}
                for name, path in [(DB_PART[engine_name], dump), *parts]
            },
        }
        partial = out.with_name(out.name + ".part")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle, tarfile.open(fileobj=handle, mode="w") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mode, info.mtime = len(data), 0o600, int(utcnow().timestamp())
            tar.addfile(info, io.BytesIO(data))
            tar.add(dump, arcname=DB_PART[engine_name])
            for name, path in parts:
                tar.add(path, arcname=name)
        os.replace(partial, out)
    return manifest


# --- restore -----------------------------------------------------------------------------------


def read_manifest(path: Path, work: Path) -> dict:
    """Unpack the backup into `work` and check every part against the manifest."""
    try:
        with tarfile.open(path, mode="r") as tar:
            tar.extractall(work, filter="data")
    except (tarfile.TarError, OSError) as error:
        raise BackupError(_("无法读取备份文件：{error}").format(error=error)) from error
    try:
        manifest = json.loads((work / "manifest.json").read_text())
    except (OSError, ValueError) as error:
        raise BackupError(_("备份文件缺少有效的清单（manifest.json）。")) from error
    if manifest.get("format") != FORMAT:
        raise BackupError(_("不认识的备份格式：{v}。").format(v=manifest.get("format")))
    present = {
        p.relative_to(work).as_posix()
        for p in work.rglob("*")
        if p.is_file() and p.name != "manifest.json"
    }
    if present != set(manifest["parts"]):
        raise BackupError(_("备份文件的内容与清单不符（缺少或多出文件）。"))
    for name, expected in manifest["parts"].items():
        if _sha256(work / name) != expected["sha256"]:
            raise BackupError(_("备份文件中的 {part} 已损坏（SHA-256 不符）。").format(part=name))
    return manifest


def is_empty(url: str) -> bool:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return not inspect(conn).get_table_names()
    finally:
        engine.dispose()


def restore(
    url: str, path: Path, config: Mapping[str, Any], head_revision: str, force: bool = False
) -> dict:
    """Restore the backup at `path` into the database at `url` and the files of `config`."""
    engine_name = _engine_name(url)
    with tempfile.TemporaryDirectory(prefix="console-restore-") as work:
        work = Path(work)
        manifest = read_manifest(Path(path), work)
        if manifest["engine"] != engine_name:
            raise BackupError(
                _("这是 {source} 的备份，不能恢复到 {target} 数据库。").format(
                    source=manifest["engine"], target=engine_name
                )
            )
        if manifest["alembic_revision"] != head_revision:
            raise BackupError(
                _(
                    "备份的数据库版本 {backup} 与本程序的版本 {code} 不同：请用对应版本的程序恢复。"
                ).format(backup=manifest["alembic_revision"], code=head_revision)
            )
        if not force and not is_empty(url):
            raise ConflictError(_("目标数据库不是空的：确认要覆盖时加 --force。"))
        dump = work / DB_PART[engine_name]
        if engine_name == "sqlite":
            load_sqlite(dump, _sqlite_path(url))
        else:
            load_postgresql(url, dump, manifest, force)
        place = Place.from_config(config)
        for name in manifest["parts"]:
            if name != DB_PART[engine_name]:
                _put_back(work / name, _target(place, name))
        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                restored = table_digests(conn)
        finally:
            engine.dispose()
        different = sorted(
            name
            for name in set(restored) | set(manifest["tables"])
            if restored.get(name) != manifest["tables"].get(name)
        )
        if different:
            raise BackupError(
                _("恢复后的数据与备份清单不符：{tables}。").format(tables="、".join(different))
            )
    return manifest


def _put_back(source: Path, target: Path):
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() and _sha256(target) != _sha256(source):
        os.replace(target, target.with_name(target.name + ".before-restore"))
    shutil.copyfile(source, target)
    os.chmod(target, 0o600)
