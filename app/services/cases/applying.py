"""The applicant's side of a case: the service list of live items, the form generated from an
item, drafts, uploads, submission, withdrawal (撤回) and 进度查询."""

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.models import Case, CaseFile, ConsoleUser, Material, ServiceItem
from app.models.base import utcnow
from app.models.user import Actor
from app.services.access import permissions
from app.services.calendar import days
from app.services.errors import DomainError, IncompleteRecordError, NotFoundError
from app.services.review.lifecycle import LIVE_STATES
from app.services.trail.signature import signer_display_name

from . import engine, files, flow

NOTE_MAX = 2000


def is_live(item: ServiceItem) -> bool:
    """Whether applicants may apply for `item`: on the hall, approved, with nodes."""
    return (
        item.lifecycle in LIVE_STATES
        and item.approved_version_no is not None
        and bool(item.nodes)
        and not item.classified
    )


def live_items(session: Session) -> list[ServiceItem]:
    """The public service list: the items one may apply for now."""
    rows = session.scalars(
        select(ServiceItem)
        .where(ServiceItem.lifecycle.in_(LIVE_STATES), ServiceItem.approved_version_no.is_not(None))
        .options(selectinload(ServiceItem.nodes))  # is_live reads them: not a query per item
        .order_by(ServiceItem.code)
    ).unique()
    return [item for item in rows if is_live(item)]


def matching(
    items: list[ServiceItem], term: str | None = None, department_id: int | None = None
) -> list[ServiceItem]:
    """Those of `items` whose code, name or department holds `term` (full- and half-width
    alike) and, with `department_id`, of that department. A college's hall lists a few
    hundred items, so the list is filtered here rather than queried again."""
    wanted = _folded(term)
    return [
        item
        for item in items
        if (department_id is None or item.department_id == department_id)
        and (
            not wanted
            or any(
                wanted in _folded(text)
                for text in (item.code, item.name, item.department and item.department.name)
            )
        )
    ]


def _folded(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "").strip().casefold()


@dataclass(frozen=True)
class Form:
    """What applying for an item asks: its conditions to confirm, its materials to upload."""

    item: ServiceItem
    conditions: str | None
    materials: list[Material]
    accepted_types: list[str]
    max_bytes: int


def form_of(item: ServiceItem) -> Form:
    return Form(
        item=item,
        conditions=(item.conditions or "").strip() or None,
        materials=sorted(item.materials, key=lambda m: (m.position, m.id)),
        accepted_types=sorted(files.TYPES),
        max_bytes=files.max_bytes(),
    )


def apply(session: Session, item: ServiceItem, user: ConsoleUser) -> Case:
    """Open a draft case for a live item."""
    permissions.ensure(user, "apply_case")
    if not is_live(item):
        raise DomainError(_("该事项未在网上办事大厅上线，暂不能在线申请。"))
    case = Case(
        item=item,
        department_id=item.department_id,
        applicant_id=user.id,
        status="draft",
        conditions_confirmed=False,
    )
    session.add(case)
    session.flush()  # the audit trail's create entry is the application
    return case


def load(session: Session, case_id: int, user: Actor | None) -> Case:
    """The case if `user` may see it: its applicant, a filed handler of one of its nodes, or
    the office; else NotFoundError."""
    case = session.get(Case, case_id)
    if case is None or not may_see(session, case, user):
        raise NotFoundError(_("办件不存在。"))
    return case


def may_see(session: Session, case: Case, user: Actor | None) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if case.applicant_id == user.id or permissions.can(user, "view_cases"):
        return True
    if not permissions.can(user, "handle_case"):
        return False
    mine = flow.filed_node_ids(session, user)
    return any(task.node_id in mine or task.handler_id == user.id for task in case.tasks)


def _ensure_applicant(case: Case, user: ConsoleUser) -> None:
    if case.applicant_id != user.id:
        raise NotFoundError(_("办件不存在。"))


def _ensure_editable(case: Case) -> None:
    if case.status not in ("draft", "returned"):
        raise DomainError(_("办件已提交，不能再修改。需要修改请先撤回。"))


def save_draft(
    session: Session,
    case: Case,
    user: ConsoleUser,
    note: str | None = None,
    conditions_confirmed: bool | None = None,
) -> Case:
    """Keep what the applicant wrote so far."""
    _ensure_applicant(case, user)
    _ensure_editable(case)
    note = (note or "").strip() or None
    if note and len(note) > NOTE_MAX:
        raise DomainError(_("申请说明不能超过 {n} 个字。").format(n=NOTE_MAX))
    case.note = note
    if conditions_confirmed is not None:
        case.conditions_confirmed = bool(conditions_confirmed)
    session.flush()
    return case


def attach(
    session: Session,
    case: Case,
    user: ConsoleUser,
    material: Material | None,
    filename: str,
    data: bytes,
    declared_type: str | None = None,
) -> CaseFile:
    """Upload one material of the case (checked: type, size, content)."""
    _ensure_applicant(case, user)
    _ensure_editable(case)
    if material is not None and material.item_id != case.item_id:
        raise NotFoundError(_("申报材料不存在。"))
    row = files.store(session, case, material, filename, data, declared_type)
    session.flush()
    return row


def remove_file(session: Session, case: Case, user: ConsoleUser, row: CaseFile) -> None:
    _ensure_applicant(case, user)
    _ensure_editable(case)
    if row.case_id != case.id:
        raise NotFoundError(_("文件不存在。"))
    case.files.remove(row)
    session.flush()


def missing(case: Case) -> list[str]:
    """What the case still lacks for a submission (the item's form)."""
    form = form_of(case.item)
    lacking = []
    if form.conditions and not case.conditions_confirmed:
        lacking.append(_("确认符合办理条件"))
    uploaded = {row.material_id for row in case.files}
    lacking += [m.name for m in form.materials if m.required and m.id not in uploaded]
    return lacking


def submit(
    session: Session,
    case: Case,
    user: ConsoleUser,
    at: datetime | None = None,
    calendar: days.WorkCalendar | None = None,
) -> Case:
    """Submit a complete draft (its process starts, due on the official calendar), or a
    returned case with the material asked for (the returned nodes get it back)."""
    _ensure_applicant(case, user)
    flow.target(case, "submit")
    lacking = missing(case)
    if lacking:
        raise IncompleteRecordError(
            _("申请不完整，不能提交。缺少：{items}").format(items="、".join(lacking)), lacking
        )
    at = at or utcnow()
    calendar = calendar or days.current()
    if case.status == "draft":
        if not is_live(case.item):
            raise DomainError(_("该事项未在网上办事大厅上线，暂不能在线申请。"))
        flow.start_process(case)
        case.submitted_at = at
        case.due_at = days.limit_due(at, case.item.promised, calendar)
        ready = engine.ready_nodes(engine.load(case.workflow_state))
        flow.open_tasks(session, case, ready, at, calendar)
        flow.move(session, case, "submit", _("提交申请：{case}").format(case=case))
        return case
    returned = [t for t in case.tasks if t.state == "returned" and t.decision == "return"]
    latest = {}
    for task in returned:
        latest[task.node_id] = task
    for task in latest.values():
        flow.open_tasks(session, case, [task.node_id], at, calendar, handler_id=task.handler_id)
    case.return_comment = None
    flow.move(session, case, "submit", _("补正后重新提交：{case}").format(case=case))
    return case


def withdraw(session: Session, case: Case, user: ConsoleUser) -> Case:
    """撤回: the applicant takes back a submission before the first node acts."""
    _ensure_applicant(case, user)
    flow.target(case, "withdraw")
    if any(task.acted_at is not None for task in case.tasks):
        raise DomainError(_("已有环节办理，不能撤回。"))
    for task in case.tasks:
        if task.state == "open":
            task.state = "cancelled"
    flow.move(session, case, "withdraw", _("撤回申请：{case}").format(case=case))
    return case


def my_cases(session: Session, user: ConsoleUser) -> list[Case]:
    return list(
        session.scalars(
            select(Case).where(Case.applicant_id == user.id).order_by(Case.id.desc())
        ).unique()
    )


@dataclass(frozen=True)
class Holder:
    """Who holds an open step of a case, and until when."""

    node: str
    names: list[str]
    due_at: datetime | None
    remaining_days: int | None  # working days left, negative when overdue


@dataclass(frozen=True)
class Progress:
    status: str
    holders: list[Holder]
    due_at: datetime | None
    remaining_days: int | None


def remaining(due: datetime | None, now: datetime, calendar: days.WorkCalendar) -> int | None:
    """Working days left until `due` (negative: working days overdue)."""
    if due is None:
        return None
    if due.date() >= now.date():
        return days.working_days_between(now.date(), due.date(), calendar)
    return -days.working_days_between(due.date(), now.date(), calendar)


def progress(
    session: Session,
    case: Case,
    now: datetime | None = None,
    calendar: days.WorkCalendar | None = None,
) -> Progress:
    """进度查询: where the case is, who holds it, until when."""
    now = now or utcnow()
    calendar = calendar or days.current()
    holders = []
    if case.status in ("submitted", "in_progress"):
        for task in case.tasks:
            if task.state != "open":
                continue
            if task.handler is not None:
                names = [signer_display_name(task.handler)]
            else:
                names = [a.display_name for a in flow.filed_handlers(session, task.node_id)]
            holders.append(
                Holder(task.node_name, names, task.due_at, remaining(task.due_at, now, calendar))
            )
    if case.status == "returned":
        holders.append(Holder(_("申请人补正材料"), [_("申请人")], None, None))
    open_case = case.status in ("submitted", "in_progress")
    return Progress(
        case.status,
        holders,
        case.due_at,
        remaining(case.due_at, now, calendar) if open_case else None,
    )
