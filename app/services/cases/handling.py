"""The handlers' side of a case: the 待办 inbox and the signed decisions on a node's step.

A handler sees the open steps of the nodes they are an active filed handler of (measures art.
6), unless the step was transferred (转办) to a colleague. Each decision re-checks the
password and is signed (art. 13): approve (the process moves on; consecutive countersigns
wait for each other), return to the applicant for more material, transfer to another filed
handler of the node, complete the case with its result at the last node.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Case, CaseTask, ConsoleUser
from app.models.base import utcnow
from app.services.access import permissions
from app.services.calendar import days
from app.services.errors import DomainError, NotFoundError

from . import applying, engine, flow

COMMENT_MAX = 1000


@dataclass(frozen=True)
class InboxRow:
    task: CaseTask
    case: Case
    remaining_days: int | None


def _visible_to(task: CaseTask, user: ConsoleUser, nodes: set[int]) -> bool:
    return task.node_id in nodes and task.handler_id in (None, user.id)


def inbox(
    session: Session,
    user: ConsoleUser,
    now: datetime | None = None,
    calendar: days.WorkCalendar | None = None,
) -> list[InboxRow]:
    """待办: the open steps `user` may act on, the most urgent first."""
    if not permissions.can(user, "handle_case"):
        return []
    nodes = flow.filed_node_ids(session, user)
    if not nodes:
        return []
    now = now or utcnow()
    calendar = calendar or days.current()
    tasks = session.scalars(
        select(CaseTask)
        .join(Case, Case.id == CaseTask.case_id)
        .where(
            CaseTask.state == "open",
            CaseTask.node_id.in_(nodes),
            CaseTask.handler_id.is_(None) | (CaseTask.handler_id == user.id),
            Case.status.in_(("submitted", "in_progress")),
        )
        .order_by(CaseTask.due_at.is_(None), CaseTask.due_at, CaseTask.id)
    ).unique()
    return [InboxRow(t, t.case, applying.remaining(t.due_at, now, calendar)) for t in tasks]


def load_task(session: Session, task_id: int, user: ConsoleUser) -> CaseTask:
    """An open step `user` may act on; else NotFoundError (someone else's step is missing)."""
    permissions.ensure(user, "handle_case")
    task = session.get(CaseTask, task_id)
    if task is None or not _visible_to(task, user, flow.filed_node_ids(session, user)):
        raise NotFoundError(_("待办不存在。"))
    return task


def _ensure_open(task: CaseTask) -> None:
    if task.state != "open":
        raise DomainError(_("该环节已办理，请刷新页面。"))
    if task.case.status not in ("submitted", "in_progress"):
        raise DomainError(_("办件当前不在办理中，请刷新页面。"))


def _comment(comment: str | None, required: str | None = None) -> str | None:
    comment = (comment or "").strip() or None
    if required and not comment:
        raise DomainError(required)
    if comment and len(comment) > COMMENT_MAX:
        raise DomainError(_("意见不能超过 {n} 个字。").format(n=COMMENT_MAX))
    return comment


def _run(task: CaseTask, data: dict) -> tuple[object, list[int]]:
    workflow = engine.load(task.case.workflow_state)
    if task.node_id not in engine.ready_nodes(workflow):
        raise DomainError(_("该环节尚未到达或已办理，请刷新页面。"))
    opened = engine.finish(workflow, task.node_id, data)
    return workflow, opened


def approve(
    session: Session,
    task: CaseTask,
    user: ConsoleUser,
    password: str,
    comment: str | None = None,
    at: datetime | None = None,
    calendar: days.WorkCalendar | None = None,
) -> Case:
    """同意: sign the step; the process moves to its next node(s)."""
    _ensure_open(task)
    comment = _comment(comment)
    case = task.case
    workflow, opened = _run(task, {f"node_{task.node_id}": "approve"})
    if engine.is_completed(workflow):
        raise DomainError(_("这是最后一个环节，请填写办理结果并办结。"))
    flow.target(case, "approve")
    flow.sign(user, password, task, "approve", {"decision": "approve", "comment": comment})
    task.state, task.comment, task.handler_id = "done", comment, user.id
    case.workflow_state = engine.dump(workflow)
    at = at or task.acted_at
    flow.open_tasks(session, case, opened, at, calendar or days.current(), workflow=workflow)
    flow.move(
        session,
        case,
        "approve",
        _("{node}同意：{case}").format(node=task.node_name, case=case),
        signature=[None, task.signature_hash[:16]],
    )
    return case


def return_to_applicant(
    session: Session, task: CaseTask, user: ConsoleUser, password: str, comment: str | None
) -> Case:
    """退回补正: the applicant is asked for more material; the step waits for it."""
    _ensure_open(task)
    comment = _comment(comment, _("退回时必须写明需要补正的内容。"))
    case = task.case
    flow.target(case, "return")
    flow.sign(user, password, task, "return", {"decision": "return", "comment": comment})
    task.state, task.comment, task.handler_id = "returned", comment, user.id
    case.return_comment = comment
    flow.move(
        session,
        case,
        "return",
        _("{node}退回补正：{case}").format(node=task.node_name, case=case),
        return_comment=[None, comment],
        signature=[None, task.signature_hash[:16]],
    )
    return case


def transfer(
    session: Session,
    task: CaseTask,
    user: ConsoleUser,
    password: str,
    to_username: str,
    comment: str | None = None,
) -> CaseTask:
    """转办: hand the step to another filed handler of the same node."""
    _ensure_open(task)
    comment = _comment(comment)
    case = task.case
    filed = {a.username: a for a in flow.filed_handlers(session, task.node_id)}
    if to_username == user.username or to_username not in filed:
        raise DomainError(_("只能转办给本环节其他已备案的办理人。"))
    target_user = session.scalars(
        select(ConsoleUser).where(ConsoleUser.username == to_username)
    ).first()
    if target_user is None:
        raise DomainError(_("该办理人尚未登录过本系统，暂不能转办。"))
    flow.target(case, "transfer")
    flow.sign(
        user,
        password,
        task,
        "transfer",
        {"decision": "transfer", "to": to_username, "comment": comment},
    )
    task.state, task.comment, task.handler_id = "transferred", comment, user.id
    new = CaseTask(
        case=case,
        node_id=task.node_id,
        node_name=task.node_name,
        handler_id=target_user.id,
        state="open",
        opened_at=task.acted_at,
        due_at=task.due_at,
    )
    session.add(new)
    flow.move(
        session,
        case,
        "transfer",
        _("{node}转办给{name}：{case}").format(
            node=task.node_name, name=filed[to_username].display_name, case=case
        ),
        signature=[None, task.signature_hash[:16]],
    )
    return new


def complete(
    session: Session, task: CaseTask, user: ConsoleUser, password: str, result: str | None
) -> Case:
    """办结: the last node finishes the case with its result."""
    _ensure_open(task)
    result = _comment(result, _("办结时必须填写办理结果。"))
    case = task.case
    workflow, _opened = _run(task, {f"node_{task.node_id}": "complete", "result": result})
    if not engine.is_completed(workflow):
        raise DomainError(_("还有环节未办理，不能办结。"))
    flow.target(case, "complete")
    flow.sign(user, password, task, "complete", {"decision": "complete", "result": result})
    task.state, task.comment, task.handler_id = "done", result, user.id
    case.workflow_state = engine.dump(workflow)
    case.result, case.completed_at = result, task.acted_at
    flow.move(
        session,
        case,
        "complete",
        _("办结：{case}").format(case=case),
        result=[None, result],
        signature=[None, task.signature_hash[:16]],
    )
    return case
