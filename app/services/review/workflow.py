"""The review workflow: a table of allowed moves and the functions that make them.

draft -> submitted -> approved, or submitted -> returned (with a comment) -> draft; a submission
can be withdrawn; editing an approved record starts a new draft while the approved version stays
published. Each function validates, changes the record, announces its audit event and leaves the
commit to the caller, so that one request is one transaction.
"""

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.models import (
    Contact,
    InformationSystem,
    RecordVersion,
    ReviewDecision,
    ServiceItem,
    registry,
)
from app.models.base import utcnow
from app.models.choices import REVIEW_DECISION, WORKFLOW_STATUS
from app.models.user import Actor
from app.services.access import permissions, scope
from app.services.catalog import completeness
from app.services.errors import (
    ConflictError,
    DomainError,
    IncompleteRecordError,
    InvalidTransitionError,
    NotFoundError,
    ServiceUnavailableError,
)
from app.services.trail import audit
from app.services.trail.signature import signature_hash, signer_display_name, verify_password
from app.services.trail.snapshot import canonical_json, snapshot, snapshot_hash

# {record type: model} of the records this workflow moves, from the registry of record types.
REVIEWABLE = registry.REVIEWABLE
# One of them, for hints.
Reviewable = Contact | ServiceItem | InformationSystem

# (status, action) -> new status
TRANSITIONS = {
    ("draft", "submit"): "submitted",
    ("submitted", "withdraw"): "draft",
    ("submitted", "approve"): "approved",
    ("submitted", "return"): "returned",
    ("returned", "revise"): "draft",
    ("approved", "revise"): "draft",
}
COMMENT_MAX = 1000


def record_type_of(record: object) -> str:
    for name, model in REVIEWABLE.items():
        if isinstance(record, model):
            return name
    raise NotFoundError(_("记录不存在。"))


def load(session: Session, record_type: str, record_id: int, user: Actor | None) -> Reviewable:
    """The record if it exists and `user` may see it; else NotFoundError (404)."""
    model = REVIEWABLE.get(record_type)
    record = session.get(model, record_id) if model else None
    return scope.ensure_visible(user, record)


# What each workflow action is called on pages, in histories and in audit summaries.
ACTION_WORDS = {
    "submit": _l("提交审核"),
    "withdraw": _l("撤回"),
    "approve": _l("审核通过"),
    "return": _l("退回"),
}


def _target(record, action):
    new = TRANSITIONS.get((record.status, action))
    if new is None:
        message = _("当前状态为“{status}”，不能执行此操作。请刷新页面查看最新状态。")
        raise InvalidTransitionError(message.format(status=WORKFLOW_STATUS.label(record.status)))
    return new


def _move(session, record, action, user, extra_changes=None, summary=None):
    old = record.status
    record.status = _target(record, action)
    changes = {"status": [old, record.status], **(extra_changes or {})}
    if summary is None:
        summary = _("{action}：{record}").format(
            action=ACTION_WORDS.get(action, action), record=record
        )
    audit.record_event(session, "transition", record, changes=changes, summary=summary)
    _flush(session)


def _flush(session):
    """Flush now so a concurrent change surfaces here as a conflict, not later as a crash."""
    try:
        session.flush()
    except StaleDataError as error:
        raise ConflictError(_("该记录刚被他人处理，请刷新页面查看最新状态。")) from error
    except OperationalError as error:
        if "locked" in str(error).lower():
            raise ConflictError(_("该记录正被他人处理，请稍后重试。")) from error
        raise


def allowed_actions(record: Reviewable, user: Actor | None) -> list[str]:
    """Workflow actions `user` may take on `record` now (for the buttons on its page)."""
    return [
        action
        for status, action in TRANSITIONS
        if status == record.status and action != "revise" and permissions.can(user, action, record)
    ]


def submit(session: Session, record: Reviewable, user: Actor) -> list[str]:
    """Send a complete draft for review; an incomplete one is refused with what is missing.
    Returns what the campaign's rules recommend and the record still lacks (warnings)."""
    permissions.ensure(user, "submit", record)
    _target(record, "submit")
    rule_set = completeness.rules(session)
    missing = completeness.missing(record, rule_set)
    if missing:
        raise IncompleteRecordError(
            _("内容不完整，不能提交。缺少：{items}").format(items="、".join(missing)), missing
        )
    record.submitted_at = utcnow()
    record.submitted_by_id = user.id
    record.review_comment = None
    _move(session, record, "submit", user)
    return completeness.warnings(record, rule_set)


def withdraw(session: Session, record: Reviewable, user: Actor) -> None:
    permissions.ensure(user, "withdraw", record)
    _move(session, record, "withdraw", user)


def revise(session: Session, record: Reviewable, user: Actor) -> None:
    """Editing a returned or approved record makes it a draft again (the approved version stays)."""
    if record.status in (WORKFLOW_STATUS.RETURNED, WORKFLOW_STATUS.APPROVED):
        _move(session, record, "revise", user)


def _decide(session, record, user, decision, password, comment=None):
    record_type = record_type_of(record)
    action = "approve" if decision == REVIEW_DECISION.APPROVED else "return"
    permissions.ensure(user, action, record)
    _target(record, action)
    verify_password(user, password)
    data = snapshot(record, record_type)
    digest = snapshot_hash(data)
    signed_at = utcnow()
    as_admin = permissions.is_stand_in(user, action)
    number = (record.approved_version_no or 0) + 1 if decision == REVIEW_DECISION.APPROVED else None
    row = ReviewDecision(
        record_type=record_type,
        record_id=record.id,
        department_id=record.department_id,
        decision=decision,
        comment=comment,
        submitted_at=record.submitted_at,
        submitted_by_id=record.submitted_by_id,
        signer_id=user.id,
        signer_name=signer_display_name(user),
        signed_at=signed_at,
        snapshot_hash=digest,
        signature_hash=signature_hash(record_type, record.id, decision, user.id, signed_at, digest),
        as_admin=as_admin,
        version_no=number,
    )
    session.add(row)
    record.decided_at = signed_at
    record.decided_by_id = user.id
    extra = {"signature": [None, row.signature_hash[:16]]}
    if as_admin:
        extra["as_admin"] = [None, True]
    if decision == REVIEW_DECISION.APPROVED:
        _freeze_version(session, record, record_type, number, data, digest, row)
        record.approved_version_no = number
        extra["approved_version_no"] = [number - 1 or None, number]
    else:
        record.review_comment = comment
        extra["review_comment"] = [None, comment]
    _move(
        session,
        record,
        action,
        user,
        extra,
        summary=_("{who}{what}：{record}").format(
            who=_("信息中心管理员") if as_admin else "",
            record=record,
            what=_("审核通过") if decision == REVIEW_DECISION.APPROVED else _("退回"),
        ),
    )
    return row


def _freeze_version(session, record, record_type, number, data, digest, decision):
    # No autoflush here: the record's changes must reach the audit trail in the same flush
    # as the transition event, as one entry.
    with session.no_autoflush:
        retire_versions(session, record_type, record.id)
    session.add(
        RecordVersion(
            record_type=record_type,
            record_id=record.id,
            department_id=record.department_id,
            number=number,
            snapshot=canonical_json(data),
            snapshot_hash=digest,
            approved_at=decision.signed_at,
            decision=decision,
            is_current=not getattr(record, "is_offline", False),
        )
    )


def retire_versions(session: Session, record_type: str, record_id: int) -> None:
    """No version of the record stays in the published lists (a newer one or offline)."""
    session.execute(
        update(RecordVersion)
        .where(RecordVersion.record_type == record_type, RecordVersion.record_id == record_id)
        .values(is_current=False)
    )


def approve(session: Session, record: Reviewable, user: Actor, password: str) -> ReviewDecision:
    """Approve a submission: sign it and freeze a numbered version."""
    return _decide(session, record, user, "approved", password)


def return_(
    session: Session, record: Reviewable, user: Actor, comment: str | None, password: str
) -> ReviewDecision:
    """Return a submission to its department with a required comment, signed."""
    comment = (comment or "").strip()
    if not comment:
        raise DomainError(_("退回时必须填写退回意见。"))
    if len(comment) > COMMENT_MAX:
        raise DomainError(_("退回意见不能超过 {n} 个字。").format(n=COMMENT_MAX))
    return _decide(session, record, user, "returned", password, comment)


def batch(
    session: Session, records: Iterable[Reviewable], action: str, user: Actor, **kwargs: Any
) -> tuple[list[Reviewable], list[tuple[Reviewable, str]]]:
    """Apply one action to many records, checking each; returns (done, [(record, reason)]).

    Each record is tried in a savepoint, so one refusal does not undo the others; a service
    the signature needs being down (ServiceUnavailableError) stops the whole batch.
    """
    functions = {"submit": submit, "withdraw": withdraw, "approve": approve, "return": return_}
    done, refused = [], []
    for record in records:
        try:
            with session.begin_nested():
                functions[action](session, record, user, **kwargs)
            done.append(record)
        except ServiceUnavailableError:
            raise
        except DomainError as error:
            refused.append((record, str(error)))
    return done, refused


def versions(session: Session, record: Reviewable) -> list[RecordVersion]:
    return (
        session.query(RecordVersion)
        .filter_by(record_type=record_type_of(record), record_id=record.id)
        .order_by(RecordVersion.number.desc())
        .all()
    )


def decisions(session: Session, record: Reviewable) -> list[ReviewDecision]:
    return (
        session.query(ReviewDecision)
        .filter_by(record_type=record_type_of(record), record_id=record.id)
        .order_by(ReviewDecision.signed_at.desc())
        .all()
    )
