"""The digital rectification ledger (数字化整改台账): opening tasks and moving their status.

A task is opened by hand, from an information system's problems, from a service item's pain
points, from a public comment or from a portfolio finding (`open_task`). One source record and
one kind of problem open at most one task: the task carries a unique `source_key`.

Its status moves through a small table of allowed moves (`TRANSITIONS`): postponing needs a
reason, marking done needs evidence of closure. Every move is an audit event. Contacts keep their
own department's tasks, reviewers and the IT office every department's, leaders only read.
Functions validate, change, announce the audit event and leave the commit to the caller.
"""

from collections.abc import Iterable
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from app.models import (
    ConsoleUser,
    Department,
    InformationSystem,
    RectificationTask,
    ServiceItem,
)
from app.models.base import utcnow
from app.models.choices import SYSTEM_PROBLEM, TASK_CATEGORY, TASK_SOURCE, TASK_STATUS
from app.services.access import permissions, scope
from app.services.errors import (
    DomainError,
    DuplicateTaskError,
    InvalidTransitionError,
)
from app.services.trail import audit

# (status, action) -> new status
TRANSITIONS = {
    ("open", "start"): "in_progress",
    ("open", "postpone"): "postponed",
    ("in_progress", "postpone"): "postponed",
    ("postponed", "resume"): "in_progress",
    ("open", "complete"): "done",
    ("in_progress", "complete"): "done",
    ("postponed", "complete"): "done",
    ("done", "reopen"): "in_progress",
}
ACTION_LABELS = {
    "start": _l("开始整改"),
    "postpone": _l("延期"),
    "resume": _l("恢复整改"),
    "complete": _l("标记完成"),
    "reopen": _l("重新打开"),
}
TEXT_MAX = 2000
# Problems of a system that open a task, with the task's kind (same codes).
SYSTEM_PROBLEM_KINDS = SYSTEM_PROBLEM.codes


def source_key(record_type: str, record_id: int, kind: str) -> str:
    """The key naming a source record and a kind of problem: ``system:12:security_risk``."""
    return f"{record_type}:{record_id}:{kind}"


def find_by_key(session: Session, key: str) -> RectificationTask | None:
    return session.scalar(select(RectificationTask).where(RectificationTask.source_key == key))


def tasks_by_key(session: Session, keys: Iterable[str]) -> dict[str, int]:
    """{source key: task id} of the tasks already opened for `keys` (one query)."""
    keys = list(keys)
    if not keys:
        return {}
    rows = session.execute(
        select(RectificationTask.source_key, RectificationTask.id).where(
            RectificationTask.source_key.in_(keys)
        )
    )
    return {key: task_id for key, task_id in rows}


def open_task(
    session: Session,
    user: ConsoleUser,
    *,
    source: str,
    department: Department | int,
    title: str,
    description: str | None = None,
    category: str = "other",
    measure: str | None = None,
    owner: str | None = None,
    deadline: date | None = None,
    system: InformationSystem | None = None,
    item: ServiceItem | None = None,
    source_ref: int | None = None,
    key: str | None = None,
) -> RectificationTask:
    """Open a rectification task and return it (flushed, not committed).

    `department` is a Department or its id. `system` / `item` link the task to the record it
    came from; `source_ref` names any other source record (a public comment's id). With a
    linked record the task gets a source key, and a second task for the same record and
    `category` is refused with DuplicateTaskError (carrying the existing task). `key` names
    the source outright (a governance finding's key), for sources that are no single record.
    """
    permissions.ensure(user, "keep_ledger")
    if source not in TASK_SOURCE:
        raise DomainError(_("未知的问题来源。"))
    if category not in TASK_CATEGORY:
        raise DomainError(_("未知的整改类别。"))
    title = (title or "").strip()
    if not title:
        raise DomainError(_("请填写整改事项。"))
    for record in (system, item):
        if record is not None:
            scope.ensure_visible(user, record)
    department_id = department.id if isinstance(department, Department) else department
    if session.get(Department, department_id) is None:
        raise DomainError(_("请选择所属部门。"))
    scope.ensure_can_write_department(user, department_id)
    if key is None and source_ref is not None:
        key = source_key(source, source_ref, category)
    elif key is None and item is not None:
        key = source_key("item", item.id, category)
    elif key is None and system is not None:
        key = source_key("system", system.id, category)
    if key is not None:
        existing = find_by_key(session, key)
        if existing is not None:
            raise DuplicateTaskError(
                _("该问题已登记整改任务：{title}").format(title=existing.title), existing
            )
    task = RectificationTask(
        title=title[:200],
        source=source,
        category=category,
        description=description,
        measure=measure,
        owner=owner,
        deadline=deadline,
        task_status="open",
        department_id=department_id,
        information_system=system,
        service_item=item,
        source_key=key,
    )
    try:
        with session.begin_nested():
            session.add(task)
            session.flush()
    except IntegrityError as error:  # opened meanwhile by someone else
        existing = find_by_key(session, key) if key else None
        if existing is None:
            raise
        raise DuplicateTaskError(
            _("该问题已登记整改任务：{title}").format(title=existing.title), existing
        ) from error
    return task


def system_sources(system: InformationSystem) -> list[tuple[str, object]]:
    """[(kind, label)] of the problems ticked on `system` that can open a task."""
    return [(code, SYSTEM_PROBLEM.label(code)) for code in system.problem_codes()]


def item_sources(item: ServiceItem) -> list[tuple[str, object]]:
    """[(kind, label)]: a service item with pain points opens a process task."""
    if (item.pain_points or "").strip():
        return [("process", TASK_CATEGORY.label("process"))]
    return []


def open_from_system(
    session: Session, user: ConsoleUser, system: InformationSystem, kind: str
) -> RectificationTask:
    """A task for one problem ticked on an information system, pre-filled from it."""
    if kind not in system.problem_codes():
        raise DomainError(_("该系统未登记此类问题。"))
    return open_task(
        session,
        user,
        source="system",
        department=system.department_id,
        title=_("{system}：{problem}").format(
            system=system.name, problem=SYSTEM_PROBLEM.label(kind)
        ),
        description=system.problem_details,
        category=kind,
        system=system,
    )


def open_from_item(
    session: Session, user: ConsoleUser, item: ServiceItem, kind: str = "process"
) -> RectificationTask:
    """A task for a service item's pain points, pre-filled with them and the suggestions."""
    if kind != "process" or not item_sources(item):
        raise DomainError(_("该事项未登记痛点。"))
    return open_task(
        session,
        user,
        source="item",
        department=item.department_id,
        title=_("{item}：事项痛点整改").format(item=item.name),
        description=item.pain_points,
        measure=item.suggestions,
        category=kind,
        item=item,
        system=item.hosting_system if item.hosting_system_id else None,
    )


def allowed_actions(task: RectificationTask, user: ConsoleUser) -> list[str]:
    """The moves `user` may make on `task` now (for the buttons on its page)."""
    if not permissions.can(user, "keep_ledger", task):
        return []
    return [action for (status, action) in TRANSITIONS if status == task.task_status]


def move(
    session: Session,
    task: RectificationTask,
    user: ConsoleUser,
    action: str,
    reason: str | None = None,
    evidence: str | None = None,
    new_deadline: date | None = None,
) -> RectificationTask:
    """Move `task` by `action`; postponing needs a reason, completing needs evidence."""
    permissions.ensure(user, "keep_ledger", task)
    target = TRANSITIONS.get((task.task_status, action))
    if target is None:
        raise InvalidTransitionError(
            _("任务当前为“{status}”，不能执行此操作。请刷新页面。").format(
                status=TASK_STATUS.label(task.task_status)
            )
        )
    reason = (reason or "").strip()
    evidence = (evidence or "").strip()
    if len(reason) > TEXT_MAX or len(evidence) > TEXT_MAX:
        raise DomainError(_("说明不能超过 {n} 个字。").format(n=TEXT_MAX))
    changes = {}
    if action == "postpone":
        if not reason:
            raise DomainError(_("延期必须填写延期原因。"))
        if new_deadline is not None:
            if task.deadline is not None and new_deadline <= task.deadline:
                raise DomainError(_("延期后的完成时限应晚于原时限。"))
            task.deadline = new_deadline
        task.postpone_reason = reason
    elif action == "complete":
        if not evidence:
            raise DomainError(_("标记完成必须填写完成佐证。"))
        task.evidence = evidence
        task.closed_at = utcnow()
    elif action == "reopen":
        task.closed_at = None
        if reason:
            changes["note"] = [None, reason]
    old = task.task_status
    task.task_status = target
    changes["task_status"] = [old, target]
    audit.record_event(
        session,
        "transition",
        task,
        changes=changes,
        summary=_("{action}：{task}").format(action=ACTION_LABELS[action], task=task.title),
    )
    session.flush()
    return task


def ledger_query(
    session: Session, user: ConsoleUser, overdue_only: bool = False, today: date | None = None
) -> Select:
    """The tasks `user` may see, by department then deadline, with their links loaded."""
    query = (
        select(RectificationTask)
        .join(RectificationTask.department)
        .options(
            selectinload(RectificationTask.information_system),
            selectinload(RectificationTask.service_item),
        )
        .order_by(
            Department.code,
            RectificationTask.deadline.is_(None),
            RectificationTask.deadline,
            RectificationTask.id,
        )
    )
    if overdue_only:
        query = query.where(RectificationTask.is_overdue(today))
    return scope.apply_scope(query, RectificationTask, user)


def ledger(
    session: Session, user: ConsoleUser, overdue_only: bool = False, today: date | None = None
) -> list[RectificationTask]:
    return list(session.scalars(ledger_query(session, user, overdue_only, today)).unique())


def linked_record(
    task: RectificationTask,
) -> tuple[str, ServiceItem | InformationSystem] | None:
    """('information_system' | 'service_item', record) the task came from, or None."""
    if task.service_item_id:
        return "service_item", task.service_item
    if task.information_system_id:
        return "information_system", task.information_system
    return None
