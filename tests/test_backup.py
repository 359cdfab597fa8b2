"""`flask backup` and `flask restore` (issue 14, item 18): a backup taken while edits go on is
one consistent snapshot, restores into an empty database with every table's rows intact and the
audit chain verifying, and a damaged or mismatched backup is refused."""

import io
import json
import tarfile
import threading
import time

import pytest
from sqlalchemy import create_engine, text

from app.services.maintenance import backup
from tests import factories as f
from tests.conftest import empty_database
from tests.conftest import flask_cli as _flask


def _head():
    """The newest migration, which a backup of a freshly upgraded database records."""
    from pathlib import Path

    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent.parent / "migrations"))
    return ScriptDirectory.from_config(config).get_current_head()


def _digests(url):
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return backup.table_digests(conn)
    finally:
        engine.dispose()


def _manifest(path):
    with tarfile.open(path) as tar:
        return json.load(tar.extractfile("manifest.json"))


class Edits(threading.Thread):
    """Creates and edits service items through the ORM (audited) until stopped."""

    def __init__(self, app):
        super().__init__(daemon=True)
        self.app, self.done, self.errors = app, 0, []
        self.stop = threading.Event()

    def run(self):
        from app.extensions import db

        with self.app.app_context():
            try:
                while not self.stop.is_set():
                    item = f.service_item(db.session, code=f"SI-BK-{self.done}")
                    db.session.commit()
                    item.name = f"在线编辑 {self.done}"
                    db.session.commit()
                    self.done += 1
            except Exception as error:  # reported by the test
                self.errors.append(error)
            finally:
                db.session.remove()


def test_backup_during_edits_restores_every_table_and_the_audit_chain(app, database_url, tmp_path):
    out = tmp_path / "console.tar"
    edits = Edits(app)
    edits.start()
    try:
        while edits.done < 3 and edits.is_alive():
            time.sleep(0.05)
        before = edits.done
        made = _flask("backup", str(out), url=database_url)
        during = edits.done - before
    finally:
        edits.stop.set()
        edits.join(30)
    assert edits.errors == [] and during > 0, "no edit ran while the backup was taken"
    assert "备份完成" in made.stdout
    manifest = _manifest(out)
    assert manifest["alembic_revision"] == _head()
    assert {"database.sqlite", "database.pgdump"} & set(manifest["parts"])
    assert "instance/audit_key" in manifest["parts"]
    assert "audit/checkpoints.jsonl" in manifest["parts"]
    assert manifest["tables"]["audit_entry"]["rows"] > 0

    with empty_database("console_restore") as target:
        restored = _flask(
            "restore", str(out), url=target, env={"INSTANCE_PATH": str(tmp_path / "restored")}
        )
        assert "校验通过" in restored.stdout, restored.stderr
        # Every table, row for row, as it was in the snapshot the backup took.
        assert _digests(target) == manifest["tables"]
        assert (tmp_path / "restored" / "audit_key").exists()
        again = _flask("restore", str(out), url=target, check=False)
        assert again.returncode == 2 and "目标数据库不是空的" in again.stderr

    # Quiet now: a second backup equals the source database table for table.
    quiet = tmp_path / "quiet.tar"
    _flask("backup", str(quiet), url=database_url)
    with empty_database("console_restore") as target:
        _flask("restore", str(quiet), url=target, env={"INSTANCE_PATH": str(tmp_path / "q")})
        assert _digests(target) == _digests(database_url)


@pytest.fixture
def small_backup(app, database_url, tmp_path):
    """A backup of the test database, made in this process."""
    out = tmp_path / "small.tar"
    with app.app_context():
        backup.backup(database_url, out, app.config)
    return out


def _rewrite(source, target, change):
    """Copy a backup, passing every member's bytes through change(name, data)."""
    with tarfile.open(source) as old, tarfile.open(target, "w") as new:
        for member in old.getmembers():
            data = change(member.name, old.extractfile(member).read())
            member.size = len(data)
            new.addfile(member, io.BytesIO(data))


def test_a_damaged_part_is_refused(small_backup, tmp_path):
    damaged = tmp_path / "damaged.tar"
    _rewrite(
        small_backup,
        damaged,
        lambda name, data: data + b"x" if name == "instance/audit_key" else data,
    )
    with pytest.raises(backup.BackupError, match="已损坏"):
        backup.read_manifest(damaged, tmp_path / "unpacked")


def test_another_schema_revision_is_refused(app, small_backup, tmp_path):
    def older(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["alembic_revision"] = "0007_board"
        return json.dumps(manifest).encode()

    other = tmp_path / "older.tar"
    _rewrite(small_backup, other, older)
    with empty_database("console_restore") as target, app.app_context():
        with pytest.raises(backup.BackupError, match="0007_board"):
            backup.restore(target, other, app.config, _head())
        assert backup.is_empty(target)


def test_backup_records_the_engine_versions_and_a_committed_audit_head(
    app, database_url, small_backup
):
    """SQLite: a database file; PostgreSQL: pg_dump of the server's major version."""
    manifest = _manifest(small_backup)
    if manifest["engine"] == "sqlite":
        with tarfile.open(small_backup) as tar:
            assert tar.extractfile("database.sqlite").read(16) == b"SQLite format 3\x00"
    else:
        assert (
            manifest["versions"]["pg_dump"].split(".")[0]
            == (manifest["versions"]["postgresql"].split(".")[0])
        )
    engine = create_engine(database_url)
    with engine.connect() as conn:
        head = conn.execute(text("SELECT seq FROM audit_head")).scalar()
    engine.dispose()
    assert manifest["audit_head"]["seq"] <= head
