"""Signed checkpoints of the audit chain's head, kept outside the database.

A checkpoint is one JSON line `{"chain", "seq", "hash", "count", "at", "hmac"}`: the chain's
name (hash of entry 1), the head's sequence number and hash, how many entries were online and
when, signed with the audit key. Lines are appended to `AUDIT_CHECKPOINT_FILE` (opened with
O_APPEND, never rewritten) and logged to the `app.audit.checkpoint` logger, which an operator
may route to syslog. They are written every `AUDIT_CHECKPOINT_EVERY` entries (after the commit
that crossed the mark), by `flask audit-checkpoint` and after each passing `flask audit-verify`.

`check(connection)` verifies the chain against every checkpoint: deleting the newest entries
(and winding `audit_head` back) leaves a checkpoint beyond the head; rewriting an entry, even
with the key, leaves a checkpoint whose hash no longer matches.
"""

import hmac
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from app.models import AuditEntry, AuditHead
from app.models.base import utcnow
from app.services.trail import chain
from app.services.trail.snapshot import canonical_json

log = logging.getLogger("app.audit.checkpoint")
SIGNED = ("chain", "seq", "hash", "count", "at")


class CheckpointError(Exception):
    """A line of the checkpoint file that is not a checkpoint signed with our key."""

    def __init__(self, line_no):
        super().__init__(line_no)
        self.line_no = line_no


@dataclass
class Result:
    """What `check` found: `broken` is None or (seq, reason); `bad_line` a forged line."""

    broken: tuple | None
    entries: int
    checkpoints: int
    bad_line: int | None = None

    @property
    def ok(self) -> bool:
        return self.broken is None and self.bad_line is None


def _config(name, default=None):
    from flask import current_app

    return current_app.config.get(name, default)


def checkpoint_path() -> Path | None:
    path = _config("AUDIT_CHECKPOINT_FILE")
    return Path(path) if path else None


def _sign(key, body):
    return chain.sign(key, canonical_json({k: body[k] for k in SIGNED}))


def write(
    connection: Connection, key: bytes | None = None, path: Path | None = None
) -> dict | None:
    """Append a signed checkpoint of the current head; returns it (None with no file set)."""
    key = key or chain.hmac_key()
    path = path or checkpoint_path()
    if path is None:
        return None
    head = connection.execute(
        select(
            AuditHead.seq,
            AuditHead.last_hash,
            select(func.count()).select_from(AuditEntry).scalar_subquery(),
        )
    ).one()
    body = {
        "chain": chain.chain_id(connection, key),
        "seq": head[0],
        "hash": head[1],
        "count": head[2],
        "at": utcnow().isoformat(timespec="seconds"),
    }
    body["hmac"] = _sign(key, body)
    line = json.dumps(body, sort_keys=True) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    log.info("audit checkpoint %s", line.strip())
    return body


def read(key: bytes | None = None, path: Path | None = None) -> list[dict]:
    """Every checkpoint in the file, oldest first; raises CheckpointError at a forged line."""
    key = key or chain.hmac_key()
    path = path or checkpoint_path()
    if path is None or not path.exists():
        return []
    found = []
    with open(path, encoding="ascii", errors="replace") as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                body = json.loads(line)
                valid = hmac.compare_digest(_sign(key, body), str(body["hmac"]))
            except (ValueError, KeyError, TypeError):
                valid = False
            if not valid:
                raise CheckpointError(line_no)
            found.append(body)
    return found


def check(connection: Connection, key: bytes | None = None, path: Path | None = None) -> Result:
    """The chain verified against the signed checkpoints (see the module docstring)."""
    key = key or chain.hmac_key()
    entries = connection.execute(select(func.count()).select_from(AuditEntry)).scalar()
    try:
        points = read(key, path)
    except CheckpointError as error:
        return Result(None, entries, 0, bad_line=error.line_no)
    if points:
        try:
            this_chain = chain.chain_id(connection, key)
        except chain.BrokenChain as broken:
            return Result((broken.seq, broken.reason), entries, len(points))
        if any(p["chain"] != this_chain for p in points if p["chain"] is not None):
            # The checkpoints describe another chain: this one was replaced or emptied.
            return Result((1, "chain"), entries, len(points))
    by_seq = {p["seq"]: p["hash"] for p in points if p["seq"]}
    return Result(chain.verify(connection, key, by_seq), entries, len(points))


def after_commit(session: Session, first_seq: int, last_seq: int) -> None:
    """Write a checkpoint when a commit carried the chain past a multiple of the interval."""
    every = _config("AUDIT_CHECKPOINT_EVERY", 0) or 0
    if every <= 0 or checkpoint_path() is None or last_seq // every == (first_seq - 1) // every:
        return
    try:
        with session.get_bind().connect() as connection:
            write(connection)
    except Exception:  # the commit stands; the next checkpoint will cover it
        log.exception("audit checkpoint could not be written")
