"""The audit chain cannot be rewritten without the key, truncation is caught by signed
checkpoints kept outside the database, old entries are archived without breaking the chain, and
prints of verification codes and anonymous public comments are audited (issue 14, item 7).

Each attack runs on the real database inside a transaction that is rolled back (the append-only
triggers are lifted in it, as an attacker with database access could), or on a throwaway
database of its own through the real `flask` commands.
"""

import contextlib
import gzip
import hmac
import itertools
import json
import os
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from app.models import AuditEntry
from app.models.base import utcnow
from app.services.trail import archive, chain, checkpoint
from app.services.trail.snapshot import sha256_hex
from tests import factories as f
from tests.conftest import _TMP, checkpoint_file
from tests.conftest import flask_cli as _flask
from tests.test_publication import _approved, _printed, _publish

LIFT_TRIGGERS = {
    "postgresql": ["ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only"],
    "sqlite": ["DROP TRIGGER audit_entry_no_update", "DROP TRIGGER audit_entry_no_delete"],
}


@contextlib.contextmanager
def attacker(app):
    """A connection with the audit triggers lifted, in a transaction that is rolled back."""
    from app.extensions import db

    with app.app_context(), db.engine.connect() as conn:
        trans = conn.begin()
        try:
            # A write first: pysqlite then runs the DDL below inside this transaction too.
            conn.execute(text("UPDATE audit_head SET seq = seq"))
            for statement in LIFT_TRIGGERS[conn.dialect.name]:
                conn.execute(text(statement))
            yield conn
        finally:
            trans.rollback()


@pytest.fixture
def entries(db_session):
    """A few fresh entries at the head of the chain."""
    for n in range(4):
        f.service_item(db_session, code=f"SI-INT-{n}")
        db_session.commit()


@pytest.fixture
def key(app):
    with app.app_context():
        return chain.hmac_key()


def _rows(conn, since):
    table = AuditEntry.__table__
    result = conn.execute(select(table).where(table.c.seq >= since).order_by(table.c.seq))
    return [dict(r) for r in result.mappings()]


def _rewrite(conn, since, hasher, **changes):
    """Edit the entry `since` and recompute every later hash with `hasher`, head included."""
    prev = None
    for row in _rows(conn, since):
        if prev is not None:
            row["prev_hash"] = prev
        if row["seq"] == since:
            row.update(changes)
        row["hash"] = hasher(row)
        conn.execute(
            text(
                "UPDATE audit_entry SET username = :username, prev_hash = :prev_hash, "
                "hash = :hash WHERE seq = :seq"
            ),
            row,
        )
        prev = row["hash"]
    conn.execute(text("UPDATE audit_head SET last_hash = :h"), {"h": prev})


def _head(conn):
    return conn.execute(text("SELECT seq FROM audit_head")).scalar()


# --- the key ---------------------------------------------------------------------------------


def test_entries_are_keyed_with_a_secret_kept_outside_the_database(app, entries, key):
    from app.extensions import db

    key_file = Path(_TMP) / "audit_key"
    assert key_file.read_text().strip().encode() == key
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    with app.app_context(), db.engine.connect() as conn:
        row = _rows(conn, _head(conn))[0]
        dump = " ".join(
            str(v)
            for table in ("audit_head", "audit_entry", "audit_cut")
            for r in conn.execute(text(f"SELECT * FROM {table}"))
            for v in r
        )
    assert row["hash"] == chain.entry_hash(row, key)
    assert row["hash"] != sha256_hex(chain.hashed_text(row))
    assert key.decode() not in dump


# --- attacks on the chain ----------------------------------------------------------------------


def test_editing_an_entry_and_recomputing_later_hashes_fails(app, entries):
    """Without the key, neither plain SHA-256 nor a guessed key makes a rewritten chain pass."""
    for hasher in (
        lambda row: sha256_hex(chain.hashed_text(row)),
        lambda row: chain.entry_hash(row, b"guessed-key"),
    ):
        with attacker(app) as conn:
            target = _head(conn) - 2
            _rewrite(conn, target, hasher, username="mallory")
            assert chain.verify(conn) == (target, "hash")


def test_rewriting_with_the_key_is_caught_by_a_signed_checkpoint(app, entries, tmp_path):
    """Even an insider holding the key cannot rewrite what a checkpoint has seen."""
    path = tmp_path / "checkpoints.jsonl"
    with attacker(app) as conn:
        head = checkpoint.write(conn, path=path)["seq"]
        _rewrite(conn, head - 2, chain.entry_hash, username="mallory")
        assert chain.verify(conn) is None  # the chain alone is consistent again
        assert checkpoint.check(conn, path=path).broken == (head, "checkpoint")


def test_deleting_the_newest_entries_fails(app, entries, tmp_path):
    """Truncation (newest rows deleted, the head wound back) leaves a checkpoint beyond it."""
    path = tmp_path / "checkpoints.jsonl"
    with attacker(app) as conn:
        head = checkpoint.write(conn, path=path)["seq"]
        keep = _rows(conn, head - 3)[0]
        conn.execute(text("DELETE FROM audit_entry WHERE seq > :s"), {"s": keep["seq"]})
        conn.execute(
            text("UPDATE audit_head SET seq = :s, last_hash = :h"),
            {"s": keep["seq"], "h": keep["hash"]},
        )
        assert chain.verify(conn) is None  # what the unsigned chain could not see
        assert checkpoint.check(conn, path=path).broken == (keep["seq"] + 1, "truncated")


def test_deleting_entries_in_the_middle_fails(app, entries):
    with attacker(app) as conn:
        target = _head(conn) - 2
        conn.execute(text("DELETE FROM audit_entry WHERE seq = :s"), {"s": target})
        assert chain.verify(conn) == (target, "missing")


def test_the_wrong_key_fails_the_chain_and_the_checkpoints(app, entries, tmp_path):
    from app.extensions import db

    path = tmp_path / "checkpoints.jsonl"
    with app.app_context(), db.engine.connect() as conn:
        checkpoint.write(conn, path=path)
        first = conn.execute(text("SELECT min(seq) FROM audit_entry")).scalar()
        assert chain.verify(conn, key=b"another-key") == (first, "hash")
        assert checkpoint.check(conn, key=b"another-key", path=path).bad_line == 1
        assert checkpoint.check(conn, path=path).ok


def test_a_forged_checkpoint_line_is_refused(app, entries, tmp_path):
    from app.extensions import db

    path = tmp_path / "checkpoints.jsonl"
    with app.app_context(), db.engine.connect() as conn:
        body = checkpoint.write(conn, path=path)
        forged = {**body, "seq": body["seq"] + 50}
        with open(path, "a") as handle:
            handle.write(json.dumps(forged) + "\n")
        assert checkpoint.check(conn, path=path).bad_line == 2


def test_checkpoints_are_appended_every_n_entries(app, db_session, tmp_path, monkeypatch):
    """After each commit that carries the chain past a multiple of N, one signed line."""
    path = tmp_path / "checkpoints.jsonl"
    monkeypatch.setitem(app.config, "AUDIT_CHECKPOINT_FILE", str(path))
    monkeypatch.setitem(app.config, "AUDIT_CHECKPOINT_EVERY", 2)

    def head():
        return db_session.execute(text("SELECT seq FROM audit_head")).scalar()

    heads = [head()]
    db_session.rollback()
    for n in range(4):
        f.service_item(db_session, code=f"SI-CP-{n}")
        db_session.commit()
        heads.append(head())
        db_session.rollback()
    expected = [b for a, b in itertools.pairwise(heads) if a // 2 != b // 2]
    assert [p["seq"] for p in checkpoint.read(path=path)] == expected and expected
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_verify_command_passes_and_writes_a_checkpoint(app, runner, entries):
    before = len(checkpoint.read(path=Path(app.config["AUDIT_CHECKPOINT_FILE"])))
    result = runner.invoke(args=["audit-verify"])
    assert result.exit_code == 0 and "校验通过" in result.output
    with app.app_context():
        assert len(checkpoint.read()) == before + 1


# --- on a database of its own, through the commands --------------------------------------------


def _legacy_rows(conn, count, days_old, key=None):
    """Entries as the code before the key (or, with `key`, as the app) would have written."""
    head = conn.execute(text("SELECT seq, last_hash FROM audit_head")).one()
    seq, prev = head
    at = utcnow() - timedelta(days=days_old)
    for _n in range(count):
        seq += 1
        row = {
            "seq": seq,
            "at": at,
            "user_id": None,
            "username": "system",
            "ip": None,
            "action": "login",
            "record_type": None,
            "record_id": None,
            "department_id": None,
            "summary": f"old {seq}",
            "changes": "{}",
            "prev_hash": prev,
        }
        row["hash"] = chain.entry_hash(row, key) if key else chain.legacy_hash(row)
        conn.execute(
            text(
                "INSERT INTO audit_entry (seq, at, user_id, username, ip, action, record_type,"
                " record_id, department_id, summary, changes, prev_hash, hash) VALUES (:seq, :at,"
                " :user_id, :username, :ip, :action, :record_type, :record_id, :department_id,"
                " :summary, :changes, :prev_hash, :hash)"
            ),
            row,
        )
        prev = row["hash"]
    conn.execute(text("UPDATE audit_head SET seq = :s, last_hash = :h"), {"s": seq, "h": prev})


def test_an_existing_unkeyed_chain_keeps_verifying_after_audit_rekey(empty_database_url):
    """Upgrade path: entries of the unkeyed code are accepted once a keyed entry anchors them;
    a later edit of such an entry still fails, and the message names the entry in Chinese."""
    url = empty_database_url
    _flask("db", "upgrade", "0007_board", url=url)
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            _legacy_rows(conn, 3, days_old=1)
        _flask("db", "upgrade", url=url)
        refused = _flask("audit-verify", url=url, check=False)
        assert refused.returncode == 1 and "第 1 条" in refused.stderr
        assert "audit-rekey" in refused.stderr
        rekeyed = _flask("audit-rekey", url=url)
        assert "校验通过" in rekeyed.stdout
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text(LIFT_TRIGGERS["postgresql"][0]))
            else:
                conn.execute(text("UPDATE audit_head SET seq = seq"))
                conn.execute(text(LIFT_TRIGGERS["sqlite"][0]))
            conn.execute(text("UPDATE audit_entry SET summary = 'edited' WHERE seq = 2"))
        broken = _flask("audit-verify", url=url, check=False)
        assert broken.returncode == 1
        assert "审计日志校验失败：第 2 条，内容与签名不符" in broken.stderr
    finally:
        engine.dispose()


def test_archive_purges_only_entries_past_retention_and_the_chain_still_verifies(
    app, empty_database_url, key
):
    url = empty_database_url
    _flask("db", "upgrade", url=url)
    engine = create_engine(url)
    today = utcnow().date()
    folder = Path(_TMP) / f"archive-{Path(checkpoint_file(url)).stem}"
    env = {"AUDIT_ARCHIVE_DIR": str(folder), "AUDIT_RETENTION_DAYS": "30"}
    try:
        with engine.begin() as conn:
            _legacy_rows(conn, 3, days_old=400, key=key)
            _legacy_rows(conn, 2, days_old=100, key=key)
            _legacy_rows(conn, 2, days_old=0, key=key)
        assert "共 7 条" in _flask("audit-checkpoint", url=url).stdout
        young = (today - timedelta(days=100)).isoformat()
        refused = _flask("audit-archive", "--before", young, url=url, env=env, check=False)
        assert refused.returncode == 2 and "至少在线保留 185 天" in refused.stderr
        cut_day = (today - timedelta(days=200)).isoformat()
        done = _flask("audit-archive", "--before", cut_day, url=url, env=env)
        assert "已归档第 1 至 3 条" in done.stdout and "归档 1 份" in done.stdout
        with engine.connect() as conn:
            assert conn.execute(text("SELECT min(seq) FROM audit_entry")).scalar() == 4
            cut = conn.execute(text("SELECT * FROM audit_cut")).mappings().one()
        archived = folder / cut["file_name"]
        lines = gzip.decompress(archived.read_bytes()).decode().splitlines()
        assert [json.loads(line)["seq"] for line in lines] == [1, 2, 3]
        assert json.loads(lines[-1])["hash"] == cut["hash"]
        signed = hmac.new(key, archived.read_bytes(), "sha256").hexdigest()
        assert signed == cut["file_hmac"]
        # An archive edited afterwards fails the check against its signed cut.
        archived.write_bytes(gzip.compress(lines[0].replace("old 1", "new 1").encode()))
        broken = _flask("audit-verify", url=url, env=env, check=False)
        assert broken.returncode == 1 and cut["file_name"] in broken.stderr
    finally:
        engine.dispose()


def test_retention_never_drops_below_185_days(app, db_session, monkeypatch):
    from app.services.errors import DomainError

    monkeypatch.setitem(app.config, "AUDIT_RETENTION_DAYS", 30)
    assert archive.retention_days() == 185
    with pytest.raises(DomainError):
        archive.archive(db_session, utcnow() - timedelta(days=184))
    db_session.rollback()


def test_only_archived_entries_may_be_deleted(app, db_session, entries):
    from sqlalchemy.exc import DatabaseError

    first = db_session.execute(text("SELECT min(seq) FROM audit_entry")).scalar()
    with pytest.raises(DatabaseError) as error:
        db_session.execute(text("DELETE FROM audit_entry WHERE seq = :s"), {"s": first})
    db_session.rollback()
    assert "append-only" in str(error.value)


# --- what is audited ---------------------------------------------------------------------------


@pytest.fixture
def users(db_session):
    return {role: f.user(db_session, role) for role in f.ROLE_USERS}


def _last(session, action):
    return (
        session.query(AuditEntry).filter_by(action=action).order_by(AuditEntry.seq.desc()).first()
    )


def test_printing_a_verification_code_is_audited(client_as, db_session, users):
    item = _approved(db_session, users, "SI-AUD-P")
    _printed(client_as("contact"), f"/workflow/service_item/{item.id}/print")
    entry = _last(db_session, "print")
    assert entry is not None and entry.record_type == "service_item"
    assert entry.record_id == item.id and entry.username == "t_contact"
    assert entry.department_id == item.department_id and "打印" in entry.summary


def test_an_anonymous_public_comment_is_audited(client, db_session, users):
    _approved(db_session, users, "SI-AUD-C")
    _publish(db_session, users)
    response = client.post(
        "/public/comment",
        data={"body": "窗口太少", "item_code": "SI-AUD-C"},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )
    assert response.status_code == 302
    entry = _last(db_session, "comment")
    assert entry is not None and entry.record_type == "public_comment"
    assert entry.username is None and entry.ip == "203.0.113.9"
    assert json.loads(entry.changes)["body"] == [None, "窗口太少"]
