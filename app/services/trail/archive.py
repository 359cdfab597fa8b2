"""Archive and purge audit entries older than the retention period, keeping the chain whole.

`archive(session, before)` verifies the chain, writes the entries older than `before` to a
gzip-compressed JSON-lines file (one entry per line, every column) with its HMAC in a `.sig`
file beside it, records a signed `AuditCut` (the last archived seq and hash, where the online
chain now starts), deletes the archived rows (the database triggers allow a delete only up to
the latest cut) and writes an `archive` audit entry. Entries younger than
`AUDIT_RETENTION_DAYS` (at least 185 days) are never purged. `verify_file` checks an archive
against its cut. The caller commits.
"""

import gzip
import hmac
import json
import os
from datetime import datetime, timedelta
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import Connection, Row, delete, func, select, update
from sqlalchemy.orm import Session

from app.models import AuditCut, AuditEntry, AuditHead
from app.models.base import utcnow
from app.services.errors import ConflictError, DomainError
from app.services.trail import audit, chain

MIN_RETENTION_DAYS = 185


def _config(name, default=None):
    from flask import current_app

    return current_app.config.get(name, default)


def retention_days() -> int:
    return max(MIN_RETENTION_DAYS, int(_config("AUDIT_RETENTION_DAYS", MIN_RETENTION_DAYS)))


def archive_dir() -> Path:
    return Path(_config("AUDIT_ARCHIVE_DIR"))


def _line(row) -> str:
    data = dict(row)
    data["at"] = data["at"].isoformat(timespec="microseconds")
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def archive(
    session: Session, before: datetime, now: datetime | None = None, folder: Path | None = None
) -> AuditCut | None:
    """Archive and purge the entries written before `before`; returns the new cut or None."""
    now = now or utcnow()
    limit = now - timedelta(days=retention_days())
    if before > limit:
        raise DomainError(
            _("审计日志至少在线保留 {days} 天：只能归档 {date} 之前的条目。").format(
                days=retention_days(), date=limit.date().isoformat()
            )
        )
    key = chain.hmac_key()
    conn = session.connection()
    # Take the head row first, as every writer does: no entry or cut is added meanwhile.
    conn.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq))
    broken = chain.verify(conn, key)
    if broken is not None:
        raise ConflictError(
            _("审计日志校验未通过（第 {seq} 条），不能归档：请先查明原因。").format(seq=broken[0])
        )
    cut = chain.latest_cut(conn, key)
    start = cut.seq + 1 if cut is not None else 1
    last = conn.execute(
        select(func.max(AuditEntry.seq)).where(AuditEntry.seq >= start, AuditEntry.at < before)
    ).scalar()
    if last is None:
        return None
    rows = conn.execute(
        select(AuditEntry.__table__)
        .where(AuditEntry.seq.between(start, last))
        .order_by(AuditEntry.seq)
    ).mappings()
    rows = list(rows)
    if any(r["at"] >= limit for r in rows):
        raise DomainError(
            _("第 {first} 至 {last} 条中有未满 {days} 天的条目，不能归档。").format(
                first=start, last=last, days=retention_days()
            )
        )
    chain_hash = cut.chain if cut is not None else rows[0]["hash"]
    folder = folder or archive_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"audit-{start:09d}-{last:09d}.jsonl.gz"
    text = "".join(_line(r) + "\n" for r in rows).encode("utf-8")
    data = gzip.compress(text, mtime=0)
    file_hmac = hmac.new(key, data, "sha256").hexdigest()
    _write_new(folder / name, data)
    new_cut = {
        "seq": last,
        "hash": rows[-1]["hash"],
        "first_seq": start,
        "chain": chain_hash,
        "archived_at": now,
        "file_name": name,
        "file_hmac": file_hmac,
    }
    row = AuditCut(**new_cut)
    row.signature = chain.sign(key, chain.cut_fields(row))
    sig = {**new_cut, "archived_at": now.isoformat(timespec="microseconds"), "entries": len(rows)}
    sig["signature"] = row.signature
    _write_new(folder / (name + ".sig"), json.dumps(sig, sort_keys=True).encode("ascii"))
    session.add(row)
    session.flush()
    conn.execute(delete(AuditEntry).where(AuditEntry.seq <= last))
    audit.record_event(
        session,
        "archive",
        record_type="audit_entry",
        summary=_("归档并清理审计日志第 {first} 至 {last} 条").format(first=start, last=last),
        changes={"archived": [None, {"first_seq": start, "last_seq": last, "file": name}]},
    )
    return row


def _write_new(path: Path, data: bytes):
    tmp = path.with_name(path.name + ".part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def verify_file(
    path: Path, cut: AuditCut | Row, previous_hash: str, key: bytes | None = None
) -> str | None:
    """None when the archive matches its cut (HMAC, seqs, hashes), else a reason."""
    key = key or chain.hmac_key()
    data = Path(path).read_bytes()
    if not hmac.compare_digest(hmac.new(key, data, "sha256").hexdigest(), cut.file_hmac):
        return "hmac"
    prev, seq = previous_hash, cut.first_seq
    keyed_seen = False
    for line in gzip.decompress(data).decode("utf-8").splitlines():
        row = json.loads(line)
        if row["seq"] != seq or row["prev_hash"] != prev:
            return "chain"
        if chain.entry_hash(row, key) == row["hash"]:
            keyed_seen = True
        elif keyed_seen or chain.legacy_hash(row) != row["hash"]:
            return "hash"
        prev, seq = row["hash"], seq + 1
    if seq - 1 != cut.seq or prev != cut.hash:
        return "chain"
    return None


def check_files(
    connection: Connection, folder: Path | None = None, key: bytes | None = None
) -> list:
    """[(file name, reason)] for every cut: "absent" (moved away), None (intact) or a fault."""
    key = key or chain.hmac_key()
    folder = folder or archive_dir()
    previous = chain.GENESIS
    found = []
    for cut in connection.execute(select(AuditCut.__table__).order_by(AuditCut.seq)):
        path = folder / cut.file_name
        reason = verify_file(path, cut, previous, key) if path.exists() else "absent"
        found.append((cut.file_name, reason))
        previous = cut.hash
    return found
