"""The audit trail: every change is captured at flush time, in the same transaction.

`install(session_factory)` hooks the session: after each flush, creates, updates and deletes of
audited records become `AuditEntry` rows (field-level before/after), together with the explicit
events services announced through `record_event` (transitions, logins, exports). Writers take
the `audit_head` row first, which serialises the hash chain across workers and engines.

Each entry's `hash` is an HMAC-SHA256 of its content and the previous hash, keyed with a key
that never enters the database, so whoever can write the database cannot rewrite the chain
(`app.services.trail.chain` signs and verifies). The chain starts after the latest signed
`AuditCut` once old entries are archived (`app.services.trail.archive`); signed checkpoints of
the head outside the database (`app.services.trail.checkpoint`) catch the newest entries being
deleted.
"""

import json
import logging
from datetime import datetime

from sqlalchemy import insert, inspect, update
from sqlalchemy.orm import Session

from app.models import (
    AuditEntry,
    AuditHead,
    ConsoleUser,
    registry,
)
from app.models.base import utcnow
from app.models.ownership import department_id_of
from app.services.trail.chain import entry_hash
from app.services.trail.session_hooks import listen_once

log = logging.getLogger(__name__)

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
    session: Session,
    action: str,
    record: object | None = None,
    summary: str | None = None,
    changes: dict | None = None,
    record_type: str | None = None,
    record_id: int | None = None,
    department_id: int | None = None,
    username: str | None = None,
    ip: str | None = None,
) -> None:
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
        row["hash"] = entry_hash(row)
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


def _after_soft_rollback(session, previous_transaction):
    _after_rollback(session)


HOOKS = (
    ("after_flush", _after_flush),
    ("before_commit", _before_commit),
    ("after_commit", _after_commit),
    ("after_soft_rollback", _after_soft_rollback),
)


def install() -> None:
    """Hook every ORM session once per process."""
    listen_once(HOOKS)
