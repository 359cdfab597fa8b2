"""The audit trail: every change is captured at flush time, in the same transaction.

`install(session_factory)` hooks the session: after each flush, creates, updates and deletes of
audited records become `AuditEntry` rows (field-level before/after), together with the explicit
events services announced through `record_event` (transitions, logins, exports). Writers take
the `audit_head` row first, which serialises the hash chain across workers and engines.

Each entry's `hash` is an HMAC-SHA256 of its content and the previous hash, keyed with
`AUDIT_HMAC_KEY`, which never enters the database: whoever can write the database cannot
rewrite the chain. Entries written before the key existed carry a plain SHA-256; `verify`
accepts them only as the chain's first part, anchored by a keyed entry after them. The chain
starts after the latest signed `AuditCut` once old entries are archived
(`app.services.trail.archive`); signed checkpoints of the head outside the database
(`app.services.trail.checkpoint`) catch the newest entries being deleted.
"""

import hashlib
import hmac
import json
import logging
from datetime import datetime

from sqlalchemy import event, insert, inspect, select, update
from sqlalchemy.orm import Session

from app.models import (
    AuditCut,
    AuditEntry,
    AuditHead,
    ConsoleUser,
    registry,
)
from app.models.base import utcnow
from app.models.ownership import department_id_of
from app.services.trail.snapshot import canonical_json, sha256_hex

GENESIS = "0" * 64
# The records whose creates, updates and deletes become entries (the registry's audited types).
RECORD_MODELS = registry.AUDITED_MODELS
# Bookkeeping FAB or the workflow keeps on rows: never an audit entry of its own.
QUIET_FIELDS = frozenset(
    {
        "incomplete",  # derived from the content, written by catalog.completeness_sql
        "updated_at",
        "updated_by_id",
        "version",
        "last_login",
        "login_count",
        "fail_login_count",
        "changed_on",
        "changed_by_fk",
    }
)
SECRET_FIELDS = frozenset({"password"})
_PENDING = "audit_events"
_WRITTEN = "audit_written"  # (first seq, last seq) this transaction wrote
HASHED_FIELDS = (
    "seq",
    "at",
    "user_id",
    "username",
    "ip",
    "action",
    "record_type",
    "record_id",
    "department_id",
    "summary",
    "changes",
    "prev_hash",
)

log = logging.getLogger(__name__)


def _actor():
    """(user id, username, ip) of the current request, or the CLI's (None, 'system', None)."""
    try:
        from flask import has_request_context, request
        from flask_login import current_user

        if has_request_context():
            ip = request.remote_addr
            if current_user and current_user.is_authenticated:
                return current_user.id, current_user.username, ip
            return None, None, ip
    except Exception:  # no usable login (CLI, a half-built request): the system acted
        log.debug("audit: no current user", exc_info=True)
    return None, "system", None


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _record_type(obj):
    return obj.__table__.name


def _column_changes(obj, kind):
    state = inspect(obj)
    changes = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in QUIET_FIELDS:
            continue
        hist = state.attrs[key].history
        if kind == "create":
            value = getattr(obj, key)
            if value is not None and key != "id":
                changes[key] = [None, _plain(value)]
        elif kind == "delete":
            value = (
                hist.unchanged[0] if hist.unchanged else (hist.deleted[0] if hist.deleted else None)
            )
            if value is not None and key != "id":
                changes[key] = [_plain(value), None]
        elif hist.has_changes():
            before = hist.deleted[0] if hist.deleted else None
            after = hist.added[0] if hist.added else None
            if before != after:
                changes[key] = [_plain(before), _plain(after)]
    for key in SECRET_FIELDS & changes.keys():
        changes[key] = ["***" if v is not None else None for v in changes[key]]
    return changes


def _collection_changes(obj, names):
    state = inspect(obj)
    changes = {}
    for name in names:
        if name not in state.attrs:
            continue
        hist = state.attrs[name].history
        if hist.added or hist.deleted:
            changes[name] = [
                sorted(str(x) for x in hist.deleted),
                sorted(str(x) for x in hist.added),
            ]
    return changes


def _entries_for_flush(session):
    """Audit entries for what this flush wrote, merged with the announced events."""
    from flask_appbuilder.security.sqla.models import Role

    events = {
        (e["record_type"], e["record_id"]): e
        for e in session.info.pop(_PENDING, [])
        if e.get("record_id") is not None
    }
    loose = [e for e in session.info.pop(_PENDING + "_loose", [])]
    entries = []
    for kind, objects in (
        ("create", session.new),
        ("update", session.dirty),
        ("delete", session.deleted),
    ):
        for obj in objects:
            if isinstance(obj, RECORD_MODELS):
                changes = _column_changes(obj, kind)
                action = kind
            elif isinstance(obj, ConsoleUser):
                changes = {**_column_changes(obj, kind), **_collection_changes(obj, ["roles"])}
                action = "permission" if "roles" in changes else kind
            elif isinstance(obj, Role):
                changes = _collection_changes(obj, ["permissions"])
                if kind != "update":
                    changes["name"] = [None, obj.name] if kind == "create" else [obj.name, None]
                action = "permission"
            else:
                continue
            if not changes and kind == "update":
                continue
            key = (_record_type(obj), obj.id)
            announced = events.pop(key, None)
            entry = {
                "action": action,
                "record_type": key[0],
                "record_id": obj.id,
                "department_id": department_id_of(obj),
                "summary": str(obj)[:255],
                "changes": changes,
            }
            if announced:
                entry.update({k: v for k, v in announced.items() if k != "changes"})
                entry["changes"] = {**changes, **(announced.get("changes") or {})}
            entries.append(entry)
    return entries + list(events.values()) + loose


def record_event(
    session,
    action,
    record=None,
    summary=None,
    changes=None,
    record_type=None,
    record_id=None,
    department_id=None,
    username=None,
    ip=None,
):
    """Announce an event; it is written with the next flush of `session`, in its transaction.

    With a record, the event absorbs that record's own change entry of the same flush, so a
    transition yields one entry carrying both the status move and the edited fields.
    """
    entry = {
        "action": action,
        "record_type": record_type or (_record_type(record) if record is not None else None),
        "record_id": record_id if record_id is not None else getattr(record, "id", None),
        "department_id": department_id
        if department_id is not None
        else (department_id_of(record) if record is not None else None),
        "summary": (summary or (str(record) if record is not None else ""))[:255],
        "changes": changes or {},
    }
    if username is not None:
        entry["username"] = username
    if ip is not None:
        entry["ip"] = ip
    bucket = _PENDING if entry["record_id"] is not None else _PENDING + "_loose"
    session.info.setdefault(bucket, []).append(entry)


def hmac_key() -> bytes:
    """The application's audit key (config AUDIT_HMAC_KEY); never stored in the database."""
    from flask import current_app

    key = current_app.config.get("AUDIT_HMAC_KEY")
    if not key:
        raise RuntimeError("AUDIT_HMAC_KEY is not configured")
    return key.encode("utf-8") if isinstance(key, str) else bytes(key)


def sign(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def _hashed_text(row):
    fields = {k: row[k] for k in HASHED_FIELDS}
    fields["at"] = (
        row["at"].isoformat(timespec="microseconds")
        if isinstance(row["at"], datetime)
        else row["at"]
    )
    return canonical_json(fields)


def _entry_hash(row, key=None):
    """The keyed hash of an entry (with the application's key unless `key` is given)."""
    return sign(key or hmac_key(), _hashed_text(row))


def _legacy_hash(row):
    """The unkeyed SHA-256 of entries written before the chain was keyed."""
    return sha256_hex(_hashed_text(row))


def _write(session, entries):
    if not entries:
        return
    conn = session.connection()
    head = conn.execute(
        update(AuditHead)
        .where(AuditHead.id == 1)
        .values(seq=AuditHead.seq + len(entries))
        .returning(AuditHead.seq, AuditHead.last_hash)
    ).one()
    seq = head.seq - len(entries)
    prev = head.last_hash
    user_id, username, ip = _actor()
    now = utcnow()
    rows = []
    for entry in entries:
        seq += 1
        row = {
            "seq": seq,
            "at": now,
            "user_id": entry.get("user_id", user_id),
            "username": entry.get("username", username),
            "ip": entry.get("ip", ip),
            "action": entry["action"],
            "record_type": entry.get("record_type"),
            "record_id": entry.get("record_id"),
            "department_id": entry.get("department_id"),
            "summary": entry.get("summary"),
            "changes": json.dumps(
                entry.get("changes") or {}, ensure_ascii=False, sort_keys=True, default=str
            ),
            "prev_hash": prev,
        }
        row["hash"] = _entry_hash(row)
        prev = row["hash"]
        rows.append(row)
    conn.execute(insert(AuditEntry), rows)
    conn.execute(update(AuditHead).where(AuditHead.id == 1).values(last_hash=prev))
    first = session.info.get(_WRITTEN, (rows[0]["seq"], None))[0]
    session.info[_WRITTEN] = (first, seq)


def _after_flush(session, flush_context):
    _write(session, _entries_for_flush(session))


def _before_commit(session):
    # Flush first so announced events merge with their records' entries; events announced
    # with no row change left to flush still go out in this transaction.
    session.flush()
    if session.info.get(_PENDING) or session.info.get(_PENDING + "_loose"):
        _write(session, _entries_for_flush(session))


def _after_rollback(session):
    for key in (_PENDING, _PENDING + "_loose", _WRITTEN):
        session.info.pop(key, None)


def _after_commit(session):
    written = session.info.pop(_WRITTEN, None)
    if written is None:
        return
    from app.services.trail import checkpoint

    checkpoint.after_commit(session, *written)


_installed = False


def install():
    """Hook every ORM session once per process."""
    global _installed
    if _installed:
        return
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "before_commit", _before_commit)
    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_soft_rollback", lambda s, prev: _after_rollback(s))
    _installed = True


def cut_fields(cut) -> str:
    """The signed text of an archive cut."""
    return canonical_json(
        {
            "seq": cut.seq,
            "hash": cut.hash,
            "first_seq": cut.first_seq,
            "chain": cut.chain,
            "archived_at": cut.archived_at.isoformat(timespec="microseconds")
            if isinstance(cut.archived_at, datetime)
            else cut.archived_at,
            "file_name": cut.file_name,
            "file_hmac": cut.file_hmac,
        }
    )


def latest_cut(connection, key=None):
    """The newest archive cut, or None; raises BrokenChain when any cut's signature is wrong."""
    key = key or hmac_key()
    latest = None
    for cut in connection.execute(select(AuditCut.__table__).order_by(AuditCut.seq)):
        if not hmac.compare_digest(sign(key, cut_fields(cut)), cut.signature):
            raise BrokenChain(cut.seq, "cut")
        latest = cut
    return latest


def chain_id(connection, key=None):
    """What names this chain: the hash of its entry 1 (kept by the cuts once it is archived)."""
    cut = latest_cut(connection, key)
    if cut is not None:
        return cut.chain
    return connection.execute(select(AuditEntry.hash).where(AuditEntry.seq == 1)).scalar()


class BrokenChain(Exception):
    """The first entry (seq) where the chain breaks, and why."""

    def __init__(self, seq, reason):
        super().__init__(seq, reason)
        self.seq, self.reason = seq, reason


def verify(connection, key=None, checkpoints=None):
    """Walk the chain; return None when intact, else (seq, reason) of the first broken link.

    reason: "missing" (deleted, or a gap), "prev_hash", "hash" (content or key does not match),
    "unkeyed" (entries with no keyed entry after them), "cut" (a forged archive cut),
    "checkpoint" (differs from a signed checkpoint), "truncated" (a signed checkpoint saw
    entries up to a later seq). `checkpoints` maps seq -> hash from signed checkpoints.
    """
    key = key or hmac_key()
    checkpoints = checkpoints or {}
    try:
        cut = latest_cut(connection, key)
    except BrokenChain as broken:
        return broken.seq, broken.reason
    prev, expected_seq = (cut.hash, cut.seq + 1) if cut is not None else (GENESIS, 1)
    legacy_from, keyed_seen = None, False
    rows = connection.execute(
        select(AuditEntry.__table__).where(AuditEntry.seq >= expected_seq).order_by(AuditEntry.seq)
    )
    for row in rows.mappings():
        if row["seq"] != expected_seq:
            return expected_seq, "missing"
        if row["prev_hash"] != prev:
            return row["seq"], "prev_hash"
        if hmac.compare_digest(_entry_hash(dict(row), key), row["hash"]):
            keyed_seen = True
        elif not keyed_seen and _legacy_hash(dict(row)) == row["hash"]:
            legacy_from = legacy_from or row["seq"]
        else:
            return row["seq"], "hash"
        if row["seq"] in checkpoints and checkpoints[row["seq"]] != row["hash"]:
            return row["seq"], "checkpoint"
        prev = row["hash"]
        expected_seq += 1
    if legacy_from is not None and not keyed_seen:
        return legacy_from, "unkeyed"
    if checkpoints and max(checkpoints) >= expected_seq:
        return expected_seq, "truncated"
    head = connection.execute(select(AuditHead.seq, AuditHead.last_hash)).first()
    if head is not None and (head.seq != expected_seq - 1 or head.last_hash != prev):
        return expected_seq, "missing"
    return None
