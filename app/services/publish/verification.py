"""Verification codes printed on signed sheets (measures art. 14) and their public check.

Each print gets a fresh code of 140 random bits (`secrets`), written as 28 Crockford base-32
characters in groups of four. Only the SHA-256 of the normalised code is stored (like a password:
a copy of the database does not yield valid codes, and the hash is enough to look a code up), with
what was printed: the signed decision, the record and its version. `check` tells whether a code
is valid, superseded by a newer approved version, or invalid.
"""

import hashlib
import json
import secrets

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import ConsoleUser, PrintCode, RecordVersion, ReviewDecision
from app.services.publish import lists
from app.services.trail import audit

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
CODE_CHARS = 28  # 28 x 5 = 140 bits
GROUP = 4
_TRANSLATE = str.maketrans({"I": "1", "L": "1", "O": "0"})


def new_code() -> str:
    value = secrets.randbits(CODE_CHARS * 5)
    chars = []
    for _i in range(CODE_CHARS):
        value, digit = divmod(value, 32)
        chars.append(ALPHABET[digit])
    return "".join(chars)


def normalise(text: str | None) -> str:
    """Upper case, no separators, the look-alike letters read as digits; '' when malformed."""
    cleaned = "".join(c for c in (text or "").upper() if c.isalnum()).translate(_TRANSLATE)
    if len(cleaned) != CODE_CHARS or any(c not in ALPHABET for c in cleaned):
        return ""
    return cleaned


def grouped(code: str) -> str:
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def issue(
    session: Session,
    decision: ReviewDecision,
    kind: str,
    user: ConsoleUser | None = None,
    version_no: int | None = None,
) -> str:
    """Store a new code for a printed sheet ('sheet') or approval record ('decision')."""
    code = new_code()
    session.add(
        PrintCode(
            code_hash=code_hash(code),
            kind=kind,
            decision_id=decision.id,
            record_type=decision.record_type,
            record_id=decision.record_id,
            version_no=version_no if version_no is not None else decision.version_no,
            printed_by_id=getattr(user, "id", None),
        )
    )
    session.flush()
    what = _("审批记录") if kind == "decision" else _("表单")
    number = version_no if version_no is not None else decision.version_no
    audit.record_event(
        session,
        "print",
        record_type=decision.record_type,
        record_id=decision.record_id,
        department_id=decision.department_id,
        summary=(
            _("打印{what}（第 {n} 版）").format(what=what, n=number)
            if number is not None
            else _("打印{what}（退回记录）").format(what=what)
        ),
        changes={"print": [None, {"kind": kind, "decision_id": decision.id}]},
    )
    return code


def check(session: Session, text: str | None) -> dict:
    """{"status": "valid" | "superseded" | "invalid", ...} for a code someone typed or scanned."""
    code = normalise(text)
    row = (
        session.scalars(select(PrintCode).filter_by(code_hash=code_hash(code))).first()
        if code
        else None
    )
    if row is None:
        return {"status": "invalid"}
    decision = row.decision
    latest_no = session.scalar(
        select(func.max(RecordVersion.number)).where(
            RecordVersion.record_type == row.record_type, RecordVersion.record_id == row.record_id
        )
    )
    version = None
    if row.version_no is not None:
        version = session.scalars(
            select(RecordVersion).filter_by(
                record_type=row.record_type, record_id=row.record_id, number=row.version_no
            )
        ).first()
    result = {
        "status": "valid",
        "print": row,
        "decision": decision,
        "version": version,
        "latest": latest_no,
    }
    if (
        latest_no
        and (row.version_no or 0) < latest_no
        and (row.version_no is not None or _later(session, decision, latest_no, row))
    ):
        result["status"] = "superseded"
    result["content"] = _public_content(row, version)
    return result


def _later(session: Session, decision: ReviewDecision, latest_no: int, row: PrintCode) -> bool:
    """A returned decision is superseded when a version was approved after it."""
    signed = session.scalar(
        select(ReviewDecision.signed_at)
        .join(RecordVersion, RecordVersion.decision_id == ReviewDecision.id)
        .where(
            RecordVersion.record_type == row.record_type,
            RecordVersion.record_id == row.record_id,
            RecordVersion.number == latest_no,
        )
    )
    return signed is not None and signed > decision.signed_at


def _public_content(row: PrintCode, version: RecordVersion | None) -> dict | None:
    """What the verify page may show of the signed snapshot: a service item's public sheet;
    for other records (contacts hold personal data) only their kind and department."""
    if version is None:
        return None
    data = json.loads(version.snapshot)
    if row.record_type == "service_item":
        return lists.public_item(data, version.number)
    return {
        "department_name": data.get("department_name"),
        "name": data.get("name") if row.record_type == "information_system" else None,
    }
