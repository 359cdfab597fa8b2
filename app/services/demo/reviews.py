"""The review workflow of seeded records: their workflow columns, the signed decisions of
approved and returned ones and version 1 of approved ones, built with the workflow's own
snapshot and signature functions."""

import random
from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy.orm import Session

from app.models import RecordVersion, ReviewDecision
from app.services.demo.data import texts
from app.services.demo.rows import Context, Draft, insert_returning, insert_rows, pick
from app.services.trail.signature import signature_hash, signer_display_name
from app.services.trail.snapshot import canonical_json, snapshot, snapshot_hash

REVIEW_STATUS = (("approved", "submitted", "returned", "draft"), (60, 15, 8, 17))
WORKFLOW_COLUMNS = (
    "status",
    "submitted_at",
    "submitted_by_id",
    "decided_at",
    "decided_by_id",
    "review_comment",
    "approved_version_no",
)
DECIDED = {"approved": "approved", "returned": "returned"}  # status -> decision


# --- the review workflow ------------------------------------------------------------------------


def workflow_fields(
    rng: random.Random, complete: bool, ctx: Context, dept_code: str
) -> dict[str, object]:
    """Workflow columns: incomplete records stay drafts; complete ones anywhere in the flow."""
    fields = dict.fromkeys(WORKFLOW_COLUMNS)
    fields["status"] = pick(rng, REVIEW_STATUS) if complete else "draft"
    if fields["status"] == "draft":
        return fields
    submitted = ctx.now - timedelta(days=rng.randint(3, 60), minutes=rng.randint(0, 600))
    fields.update(submitted_at=submitted, submitted_by_id=ctx.submitters.get(dept_code))
    if fields["status"] == "submitted":
        return fields
    fields.update(
        decided_at=min(submitted + timedelta(hours=rng.randint(2, 96)), ctx.now),
        decided_by_id=ctx.reviewer.id,
    )
    if fields["status"] == "approved":
        fields["approved_version_no"] = 1
    else:
        fields["review_comment"] = rng.choice(texts.RETURN_COMMENTS)
    return fields


def write_reviews(
    session: Session,
    record_type: str,
    reviewed: Iterable[tuple[int, dict[str, object], Draft]],
    ctx: Context,
    counts: dict[str, int],
) -> None:
    """Signed decisions for approved and returned rows, and version 1 of the approved ones.

    `reviewed` holds (record id, row, draft); the snapshot is taken from the draft exactly as
    the workflow takes it from a stored record.
    """
    decisions, versions = [], []
    for record_id, row, draft in reviewed:
        if row["status"] not in DECIDED:
            continue
        content = snapshot(draft, record_type)
        digest = snapshot_hash(content)
        decisions.append(_decision_row(record_type, record_id, row, digest, ctx))
        if row["status"] == "approved":
            versions.append(_version_row(record_type, record_id, row, content, digest))
    ids = insert_returning(session, ReviewDecision, decisions, "record_id")
    for version in versions:
        version["decision_id"] = ids[version["record_id"]]
    insert_rows(session, RecordVersion, versions)
    counts["decisions"] += len(decisions)
    counts["versions"] += len(versions)


def _decision_row(record_type, record_id, row, digest, ctx):
    decision = DECIDED[row["status"]]
    signer = ctx.reviewer
    return {
        "record_type": record_type,
        "record_id": record_id,
        "department_id": row["department_id"],
        "decision": decision,
        "comment": row["review_comment"],
        "submitted_at": row["submitted_at"],
        "submitted_by_id": row["submitted_by_id"],
        "signer_id": signer.id,
        "signer_name": signer_display_name(signer),
        "signed_at": row["decided_at"],
        "snapshot_hash": digest,
        "signature_hash": signature_hash(
            record_type, record_id, decision, signer.id, row["decided_at"], digest
        ),
        "as_admin": False,
        "version_no": row["approved_version_no"],
    }


def _version_row(record_type, record_id, row, content, digest):
    return {
        "record_type": record_type,
        "record_id": record_id,
        "department_id": row["department_id"],
        "number": 1,
        "snapshot": canonical_json(content),
        "snapshot_hash": digest,
        "approved_at": row["decided_at"],
        "decision_id": None,
        "is_current": row.get("lifecycle", "online") != "offline",
    }
