"""The service hall's records around a lifecycle move: the requests the office signs, the
timeline of steps, every involved unit's confirmation and what still blocks going live.

`lifecycle.move` calls `open_request`, `decide_request` and `add_step`; a unit confirms with
`confirm`. Nothing here commits.
"""

from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import (
    ConsoleUser,
    HallRequest,
    HallStep,
    HandlerAssignment,
    ProcessNode,
    ServiceItem,
)
from app.models.base import utcnow
from app.models.choices import LIFECYCLE
from app.services.access import permissions, scope
from app.services.errors import DomainError, InvalidTransitionError, PermissionDeniedError
from app.services.trail import audit
from app.services.trail.signature import signature_hash, signer_display_name, verify_password
from app.services.trail.snapshot import canonical_json, sha256_hex

if TYPE_CHECKING:
    from app.services.review.lifecycle import Evidence

CONFIRMING = ("confirming", "change_confirming")
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


def open_request(
    session: Session, item: ServiceItem, user: ConsoleUser, kind: str, reason: str, declared: bool
) -> HallRequest:
    """File an onboarding, change or offline request with the office (it reaches its inbox)."""
    request = HallRequest(
        item=item,
        department_id=item.department_id,
        kind=kind,
        reason=reason,
        no_classified=declared,
        status="submitted",
        submitted_at=utcnow(),
        submitted_by_id=user.id,
    )
    session.add(request)
    return request


def open_request_of(session: Session, item: ServiceItem) -> HallRequest | None:
    return session.scalars(
        select(HallRequest)
        .where(HallRequest.item_id == item.id, HallRequest.status == "submitted")
        .order_by(HallRequest.id.desc())
    ).first()


def sign(
    user: ConsoleUser, record_type: str, record_id: int, decision: str, content: dict
) -> tuple[datetime, str, str]:
    """(signed at, signer's name, signature) of a decision, as on every other decision."""
    signed_at = utcnow()
    digest = sha256_hex(canonical_json(content))
    return (
        signed_at,
        signer_display_name(user),
        signature_hash(record_type, record_id, decision, user.id, signed_at, digest),
    )


def decide_request(
    session: Session,
    item: ServiceItem,
    user: ConsoleUser,
    decision: str,
    comment: str,
    password: str,
) -> str:
    """The office approves or returns the open request, signing with its password."""
    request = open_request_of(session, item)
    if request is None:
        raise InvalidTransitionError(_("没有待审批的申请。请刷新页面。"))
    if request.submitted_by_id == user.id:
        raise PermissionDeniedError(_("不能审批自己提交的申请。"))
    verify_password(user, password)
    content = {"kind": request.kind, "item": item.code, "reason": request.reason}
    request.decided_at, request.signer_name, request.signature_hash = sign(
        user, "hall_request", request.id, decision, content
    )
    request.status = decision
    request.decision_comment = comment or None
    return request.signature_hash


def add_step(
    session: Session,
    item: ServiceItem,
    user: ConsoleUser,
    action: str,
    old: str | None,
    new: str | None,
    note: str | None,
    evidence: "Evidence",
    signature: str | None = None,
) -> HallStep:
    """One row of the item's timeline: who did what, when, with which record."""
    if evidence.attachment and len(evidence.attachment) > ATTACHMENT_MAX_BYTES:
        raise DomainError(_("附件不能超过 10 MB。"))
    step = HallStep(
        item_id=item.id,
        action=action,
        from_state=old,
        to_state=new,
        user_id=user.id,
        actor_name=signer_display_name(user),
        at=utcnow(),
        note=note or None,
        event_date=evidence.event_date,
        attachment_name=evidence.attachment_name if evidence.attachment else None,
        attachment_type=evidence.attachment_type if evidence.attachment else None,
        attachment=evidence.attachment or None,
        signature_hash=signature,
    )
    session.add(step)
    return step


def timeline(session: Session, item: ServiceItem) -> list[HallStep]:
    return list(
        session.scalars(
            select(HallStep).where(HallStep.item_id == item.id).order_by(HallStep.id.desc())
        )
    )


# --- the units of an item, their confirmations and handlers ----------------------------------


def node_unit(node: ProcessNode) -> int:
    """The unit handling a node: its handling department, else the item's own."""
    return node.handling_department_id or node.item.department_id


def involved_units(item: ServiceItem) -> list[int]:
    """Every unit that appears in the item's nodes, the owning unit first."""
    units = [item.department_id]
    for node in item.nodes:
        if node_unit(node) not in units:
            units.append(node_unit(node))
    return units


def _round_start(session, item) -> int:
    """The id of the step that opened the current confirmation round (training recorded)."""
    return (
        session.scalar(
            select(HallStep.id)
            .where(HallStep.item_id == item.id, HallStep.action == "record_training")
            .order_by(HallStep.id.desc())
        )
        or 0
    )


def confirmed_units(session: Session, item: ServiceItem) -> set[int]:
    """Units that confirmed go-live in the current round."""
    return set(
        session.scalars(
            select(HallStep.department_id).where(
                HallStep.item_id == item.id,
                HallStep.action == "confirm_unit",
                HallStep.id > _round_start(session, item),
            )
        )
    )


def active_handlers(session: Session, item: ServiceItem) -> dict[int, list[HandlerAssignment]]:
    """{node id: its filed handlers}."""
    rows = session.scalars(
        select(HandlerAssignment).where(
            HandlerAssignment.item_id == item.id, HandlerAssignment.status == "filed"
        )
    )
    result: dict[int, list[HandlerAssignment]] = {}
    for row in rows:
        result.setdefault(row.node_id, []).append(row)
    return result


def handler_gaps(session: Session, item: ServiceItem) -> list[str]:
    """One message per node that has no active filed handler (art. 6, 10)."""
    filed = active_handlers(session, item)
    return [
        _("环节“{node}”尚无已备案的在岗办理人").format(node=node.name)
        for node in item.nodes
        if not filed.get(node.id)
    ]


def go_live_blockers(session: Session, item: ServiceItem) -> list[str]:
    """Why the item may not go online yet; empty when it may (measures art. 4(3)④, 10, 16)."""
    problems = []
    if item.classified:
        problems.append(_("涉密事项不能上线"))
    if not (item.offline_plan or "").strip():
        problems.append(_("尚未填写线下应急办理预案"))
    if not item.nodes:
        problems.append(_("尚未填写流转环节"))
    done = confirmed_units(session, item)
    missing = [unit for unit in involved_units(item) if unit not in done]
    if missing:
        names = {n.handling_department_id: n.handling_department for n in item.nodes}
        names[item.department_id] = item.department
        problems.append(
            _("待确认单位：{units}").format(units="、".join(str(names[u].name) for u in missing))
        )
    return problems + handler_gaps(session, item)


def confirm(session: Session, item: ServiceItem, user: ConsoleUser, note: str = "") -> HallStep:
    """The user's unit confirms go-live of `item`, through its process administrator."""
    scope.ensure_involved(user, item, involved_units(item))
    permissions.ensure(user, "confirm_unit")
    if item.lifecycle not in CONFIRMING:
        raise InvalidTransitionError(
            _("事项当前为“{state}”，不需要确认上线。").format(state=LIFECYCLE.label(item.lifecycle))
        )
    if user.department_id in confirmed_units(session, item):
        raise InvalidTransitionError(_("本单位已确认过该事项。"))
    step = HallStep(
        item_id=item.id,
        action="confirm_unit",
        from_state=item.lifecycle,
        to_state=item.lifecycle,
        department_id=user.department_id,
        user_id=user.id,
        actor_name=signer_display_name(user),
        at=utcnow(),
        note=(note or "").strip() or None,
    )
    session.add(step)
    audit.record_event(
        session,
        "transition",
        item,
        changes={"confirmed_department_id": [None, user.department_id]},
        summary=_("单位确认上线：{item}").format(item=item),
    )
    session.flush()
    return step
