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
import re
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy
from flask_babel import gettext as _
from sqlalchemy import MetaData, create_engine, inspect, select, text
from sqlalchemy.engine import Connection, make_url

from app.models.base import utcnow
from app.services.errors import ConflictError, DomainError

FORMAT = 1
DB_PART = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}
SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3", ".db-wal", ".db-shm", ".db-journal", ".part")


class BackupError(DomainError):
    """A backup or restore refused or failed; the message says why."""


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


# --- table digests -----------------------------------------------------------------------------


def _plain(value):
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    return value if value is None or isinstance(value, int | str | bool) else str(value)


def table_digests(connection: Connection) -> dict:
    """{table: {"rows": n, "sha256": hash of its rows in primary-key order}} of every table."""
    meta = MetaData()
    meta.reflect(bind=connection)
    digests = {}
    for name in sorted(meta.tables):
        table = meta.tables[name]
        order = list(table.primary_key.columns) or list(table.columns)
        digest, rows = hashlib.sha256(), 0
        for row in connection.execute(select(table).order_by(*order)):
            digest.update(json.dumps([_plain(v) for v in row], ensure_ascii=False).encode())
            digest.update(b"\n")
            rows += 1
        digests[name] = {"rows": rows, "sha256": digest.hexdigest()}
    return digests


def _revision(connection):
    try:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except sqlalchemy.exc.DBAPIError:
        return None


def _audit_head(connection):
    row = connection.execute(text("SELECT seq, last_hash FROM audit_head")).first()
    return {"seq": row[0], "hash": row[1]} if row else None


# --- PostgreSQL tools --------------------------------------------------------------------------


def _major(version: str) -> int:
    match = re.search(r"(\d+)(?:\.\d+)?", version or "")
    return int(match.group(1)) if match else 0


def _pg_tool(name: str, server_major: int) -> str:
    """The tool of the server's major version when installed side by side, else the PATH's."""
    versioned = Path(f"/usr/lib/postgresql/{server_major}/bin/{name}")
    tool = str(versioned) if versioned.exists() else shutil.which(name)
    if not tool:
        raise BackupError(_("找不到 {tool}：请安装 PostgreSQL 客户端程序。").format(tool=name))
    return tool


def _tool_version(tool: str) -> str:
    out = subprocess.run([tool, "--version"], capture_output=True, text=True, check=True).stdout
    return re.search(r"\d+(?:\.\d+)+", out).group(0)


def _libpq(url):
    """A libpq URI (without the password) and the environment that carries the password."""
    parsed = make_url(url)
    env = {**os.environ}
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    uri = parsed.set(drivername="postgresql", password=None, query={})
    return uri.render_as_string(hide_password=False), env


def _server_version(connection) -> str:
    return connection.execute(text("SHOW server_version")).scalar().split()[0]


def _run(args, env=None):
    result = subprocess.run(args, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise BackupError(
            _("{tool} 失败：{error}").format(tool=Path(args[0]).name, error=result.stderr[-800:])
        )
    return result


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
            details = _backup_sqlite(db_file, dump)
        else:
            details = _backup_postgresql(url, dump)
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


def _backup_sqlite(db_file: Path, dump: Path) -> dict:
    source = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    target = sqlite3.connect(dump)
    try:
        source.execute("PRAGMA busy_timeout = 5000")
        source.backup(target, pages=-1)  # one step: a consistent snapshot despite writers
    finally:
        source.close()
        target.close()
    engine = create_engine(f"sqlite:///{dump}")
    try:
        with engine.connect() as conn:
            check = conn.execute(text("PRAGMA integrity_check")).scalar()
            if check != "ok":
                raise BackupError(_("SQLite 备份完整性检查失败：{result}").format(result=check))
            return {
                "versions": {"sqlite": sqlite3.sqlite_version},
                "revision": _revision(conn),
                "audit_head": _audit_head(conn),
                "tables": table_digests(conn),
            }
    finally:
        engine.dispose()


def _backup_postgresql(url: str, dump: Path) -> dict:
    engine = create_engine(url, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as conn:
            server = _server_version(conn)
            tool = _pg_tool("pg_dump", _major(server))
            tool_version = _tool_version(tool)
            if _major(tool_version) < _major(server):
                raise BackupError(
                    _("pg_dump {tool} 比数据库服务器 {server} 旧，不能备份。").format(
                        tool=tool_version, server=server
                    )
                )
            # One snapshot for the dump and for the counts and hashes of the manifest.
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar()
            uri, env = _libpq(url)
            _run([tool, "-Fc", f"--snapshot={snapshot}", "-f", str(dump), "-d", uri], env)
            details = {
                "versions": {"postgresql": server, "pg_dump": tool_version},
                "revision": _revision(conn),
                "audit_head": _audit_head(conn),
                "tables": table_digests(conn),
            }
            conn.rollback()
            return details
    finally:
        engine.dispose()


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
            _restore_sqlite(dump, _sqlite_path(url))
        else:
            _restore_postgresql(url, dump, manifest, force)
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


def _restore_sqlite(dump: Path, db_file: Path):
    db_file.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    target = sqlite3.connect(db_file)
    try:
        target.execute("PRAGMA busy_timeout = 5000")
        source.backup(target, pages=-1)
    finally:
        source.close()
        target.close()


def _restore_postgresql(url: str, dump: Path, manifest: dict, force: bool):
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            server = _server_version(conn)
    finally:
        engine.dispose()
    tool = _pg_tool("pg_restore", _major(server))
    tool_version = _tool_version(tool)
    dumped_with = manifest["versions"].get("pg_dump", "0")
    if _major(tool_version) < _major(dumped_with) or _major(server) < _major(
        manifest["versions"].get("postgresql", "0")
    ):
        raise BackupError(
            _(
                "备份由 PostgreSQL {source} 生成，不能用 pg_restore {tool} 恢复到服务器 {server}。"
            ).format(source=dumped_with, tool=tool_version, server=server)
        )
    uri, env = _libpq(url)
    args = [tool, "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]
    if force:
        args += ["--clean", "--if-exists"]
    _run([*args, "-d", uri, str(dump)], env)
