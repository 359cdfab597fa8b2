"""What applying and handling share: the case's running process, its node steps and due
dates, the signature of a decision and the audit event of a move."""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.models import Case, CaseTask, ConsoleUser, HandlerAssignment, ProcessNode, ServiceItem
from app.models.base import utcnow
from app.models.choices import CASE_STATUS
from app.models.time_limit import read_time_limit
from app.services.calendar import days
from app.services.errors import ConflictError, InvalidTransitionError
from app.services.trail import audit
from app.services.trail.signature import signature_hash, signer_display_name, verify_password
from app.services.trail.snapshot import canonical_json, sha256_hex

from . import engine

# (status, action) -> new status: the moves of a case (handling moves keep in_progress).
TRANSITIONS = {
    ("draft", "submit"): "submitted",
    ("returned", "submit"): "in_progress",
    ("submitted", "withdraw"): "withdrawn",
    ("submitted", "approve"): "in_progress",
    ("in_progress", "approve"): "in_progress",
    ("submitted", "return"): "returned",
    ("in_progress", "return"): "returned",
    ("submitted", "transfer"): "submitted",
    ("in_progress", "transfer"): "in_progress",
    ("submitted", "complete"): "completed",
    ("in_progress", "complete"): "completed",
}


def target(case: Case, action: str) -> str:
    new = TRANSITIONS.get((case.status, action))
    if new is None:
        message = _("办件当前状态为“{status}”，不能执行此操作。请刷新页面查看最新状态。")
        raise InvalidTransitionError(message.format(status=CASE_STATUS.label(case.status)))
    return new


def move(session: Session, case: Case, action: str, summary: str, **changes: list) -> None:
    """Set the case's new status and announce the move to the audit trail."""
    old = case.status
    case.status = target(case, action)
    audit.record_event(
        session,
        "case_" + action,
        case,
        summary=summary,
        changes={"status": [old, case.status], **changes},
    )
    try:
        session.flush()
    except StaleDataError as error:  # two countersigns at once: the second one retries
        raise ConflictError(_("该办件刚被他人处理，请刷新页面后重试。")) from error


def node_specs(item: ServiceItem) -> list[engine.NodeSpec]:
    nodes = sorted(item.nodes, key=lambda n: (n.position, n.id))
    return [engine.NodeSpec(n.id, n.name, n.kind, n.time_limit) for n in nodes]


def start_process(case: Case) -> None:
    """Compile the item's nodes as approved and start the case's process on them."""
    item = case.item
    pid = engine.process_id(item.id, item.approved_version_no)
    nodes = node_specs(item)
    workflow = engine.start(engine.compile_nodes(pid, item.name, nodes), pid, nodes)
    case.definition_version = item.approved_version_no
    case.workflow_state = engine.dump(workflow)


def node_due(
    node: engine.NodeSpec | None, start: datetime, calendar: days.WorkCalendar
) -> datetime | None:
    """When a node's step must be done: its limit counted on the official calendar."""
    if node is None:
        return None
    return days.limit_due(start, read_time_limit(node.time_limit), calendar)


def open_tasks(
    session: Session,
    case: Case,
    node_ids: list[int],
    at: datetime,
    calendar: days.WorkCalendar,
    handler_id: int | None = None,
    workflow: object | None = None,
) -> list[CaseTask]:
    """A step for each node that became ready, named and due as the case's definition says."""
    workflow = workflow or engine.load(case.workflow_state)
    rows = []
    for node_id in node_ids:
        node = engine.node_of(workflow, node_id)
        row = CaseTask(
            case=case,
            node_id=node_id if session.get(ProcessNode, node_id) is not None else None,
            node_name=node.name if node is not None else str(node_id),
            handler_id=handler_id,
            state="open",
            opened_at=at,
            due_at=node_due(node, at, calendar),
        )
        session.add(row)
        rows.append(row)
    return rows


def filed_handlers(session: Session, node_id: int) -> list[HandlerAssignment]:
    """The node's handlers whose filing stands (measures art. 6)."""
    return list(
        session.scalars(
            select(HandlerAssignment)
            .where(HandlerAssignment.node_id == node_id, HandlerAssignment.status == "filed")
            .order_by(HandlerAssignment.id)
        )
    )


def filed_node_ids(session: Session, user: ConsoleUser) -> set[int]:
    """The nodes `user` is an active filed handler of."""
    return set(
        session.scalars(
            select(HandlerAssignment.node_id).where(
                HandlerAssignment.username == user.username,
                HandlerAssignment.status == "filed",
            )
        )
    )


def sign(
    user: ConsoleUser, password: str, task: CaseTask, decision: str, content: dict
) -> datetime:
    """Check the password again and sign the decision on `task` (measures art. 13), as every
    other decision of the console is signed. Returns when it was signed."""
    verify_password(user, password)
    signed_at = utcnow()
    digest = sha256_hex(canonical_json({"case": task.case_id, "node": task.node_name, **content}))
    task.acted_at = signed_at
    task.decision = decision
    task.signer_name = signer_display_name(user)
    task.signature_hash = signature_hash("case_task", task.id, decision, user.id, signed_at, digest)
    return signed_at
