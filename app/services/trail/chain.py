"""The audit chain's keys, hashes and verification.

Each entry's `hash` is an HMAC-SHA256 of its content and the previous hash, keyed with
`AUDIT_HMAC_KEY`, which never enters the database. Entries written before the key existed carry
a plain SHA-256; `verify` accepts them only as the chain's first part, anchored by a keyed entry
after them. Archive cuts (`archive`) are signed with the same key; checkpoints (`checkpoint`)
pass the heads they saw to `verify`.
"""

import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, select

from app.models import AuditCut, AuditEntry, AuditHead
from app.services.trail.snapshot import canonical_json, sha256_hex

GENESIS = "0" * 64
# The records whose creates, updates and deletes become entries (the registry's audited types).

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


def hmac_key() -> bytes:
    """The application's audit key (config AUDIT_HMAC_KEY); never stored in the database."""
    from flask import current_app

    key = current_app.config.get("AUDIT_HMAC_KEY")
    if not key:
        raise RuntimeError("AUDIT_HMAC_KEY is not configured")
    return key.encode("utf-8") if isinstance(key, str) else bytes(key)


def sign(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def hashed_text(row: Mapping[str, Any]) -> str:
    fields = {k: row[k] for k in HASHED_FIELDS}
    fields["at"] = (
        row["at"].isoformat(timespec="microseconds")
        if isinstance(row["at"], datetime)
        else row["at"]
    )
    return canonical_json(fields)


def entry_hash(row: Mapping[str, Any], key: bytes | None = None) -> str:
    """The keyed hash of an entry (with the application's key unless `key` is given)."""
    return sign(key or hmac_key(), hashed_text(row))


def legacy_hash(row: Mapping[str, Any]) -> str:
    """The unkeyed SHA-256 of entries written before the chain was keyed."""
    return sha256_hex(hashed_text(row))


def cut_fields(cut: AuditCut | Row) -> str:
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


def latest_cut(connection: Connection, key: bytes | None = None) -> Row | None:
    """The newest archive cut, or None; raises BrokenChain when any cut's signature is wrong."""
    key = key or hmac_key()
    latest = None
    for cut in connection.execute(select(AuditCut.__table__).order_by(AuditCut.seq)):
        if not hmac.compare_digest(sign(key, cut_fields(cut)), cut.signature):
            raise BrokenChain(cut.seq, "cut")
        latest = cut
    return latest


def chain_id(connection: Connection, key: bytes | None = None) -> str | None:
    """What names this chain: the hash of its entry 1 (kept by the cuts once it is archived)."""
    cut = latest_cut(connection, key)
    if cut is not None:
        return cut.chain
    return connection.execute(select(AuditEntry.hash).where(AuditEntry.seq == 1)).scalar()


class BrokenChain(Exception):
    """The first entry (seq) where the chain breaks, and why."""

    def __init__(self, seq: int, reason: str):
        super().__init__(seq, reason)
        self.seq, self.reason = seq, reason


def verify(
    connection: Connection, key: bytes | None = None, checkpoints: dict[int, str] | None = None
) -> tuple[int, str] | None:
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
        if hmac.compare_digest(entry_hash(dict(row), key), row["hash"]):
            keyed_seen = True
        elif not keyed_seen and legacy_hash(dict(row)) == row["hash"]:
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
