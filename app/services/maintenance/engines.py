"""How each database engine is copied out and loaded back, and the digests that prove a copy.

SQLite uses its online backup API; PostgreSQL uses `pg_dump -Fc` in an exported REPEATABLE READ
snapshot (the digests are read in the same snapshot) and `pg_restore`, with the tools of the
server's major version where they are installed side by side. `backup` composes these into one
file with the instance folder and the audit files.
"""

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import sqlalchemy
from flask_babel import gettext as _
from sqlalchemy import MetaData, create_engine, select, text
from sqlalchemy.engine import Connection, make_url

from app.services.errors import DomainError


class BackupError(DomainError):
    """A backup or restore refused or failed; the message says why."""


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


# --- dump and load ------------------------------------------------------------------------------


def dump_sqlite(db_file: Path, dump: Path) -> dict:
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


def dump_postgresql(url: str, dump: Path) -> dict:
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


def load_sqlite(dump: Path, db_file: Path) -> None:
    db_file.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    target = sqlite3.connect(db_file)
    try:
        target.execute("PRAGMA busy_timeout = 5000")
        source.backup(target, pages=-1)
    finally:
        source.close()
        target.close()


def load_postgresql(url: str, dump: Path, manifest: dict, force: bool) -> None:
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
