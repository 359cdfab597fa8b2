"""What waits for whom on the service hall: the next step of every item in the chain, the
confirmations a unit owes, the nodes a unit must name (or hand over) a handler for, and the
approved handlers the security administrator must file, each with its due date.

The office's own decisions also reach its inbox (`inbox.OFFICE_REQUESTS`)."""

from datetime import datetime

from flask import current_app
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from app.models import ConsoleUser, HallStep, HandlerAssignment, ProcessNode, ServiceItem
from app.models.base import utcnow
from app.services.access import permissions, scope, training
from app.services.calendar.days import add_working_days
from app.services.errors import NotFoundError
from app.services.review import hall, lifecycle

QUIET = ("planned", "online", "offline")


def involved_item(session: Session, item_id: int, user: ConsoleUser) -> ServiceItem:
    """The item when `user`'s unit owns it or handles one of its nodes; else NotFoundError."""
    item = session.get(ServiceItem, item_id)
    if item is None:
        raise NotFoundError()
    return scope.ensure_involved(user, item, hall.involved_units(item))


def visible_assignment(user: ConsoleUser, row: HandlerAssignment | None) -> HandlerAssignment:
    return scope.ensure_visible(user, row)


def node_history(session: Session, node: ProcessNode) -> list[HandlerAssignment]:
    """Everyone who was proposed for, handled or left the node, newest first."""
    return list(
        session.scalars(
            select(HandlerAssignment)
            .where(HandlerAssignment.node_id == node.id)
            .order_by(HandlerAssignment.id.desc())
        )
    )


def awaiting_filing(session: Session) -> list[HandlerAssignment]:
    return list(
        session.scalars(
            select(HandlerAssignment)
            .where(HandlerAssignment.status == "approved")
            .order_by(HandlerAssignment.decided_at)
        )
    )


def _row(item, what, since: datetime, url_kind="item", node=None, assignment=None):
    days = current_app.config.get("REVIEW_DUE_WORKING_DAYS", 5)
    due = add_working_days(since, days)
    return {
        "item": item,
        "what": what,
        "since": since,
        "due": due,
        "overdue": utcnow() > due,
        "kind": url_kind,
        "node": node,
        "assignment": assignment,
    }


def _last_step_at(session, item_ids):
    rows = session.execute(
        select(HallStep.item_id, func.max(HallStep.at))
        .where(HallStep.item_id.in_(item_ids))
        .group_by(HallStep.item_id)
    )
    return dict(rows.all())


def next_steps(session: Session, user: ConsoleUser) -> list[dict]:
    """Rows of the hall's to-do page for `user`, oldest first."""
    rows = []
    query = select(ServiceItem).where(ServiceItem.lifecycle.notin_(QUIET))
    items = list(session.scalars(scope.apply_scope(query, ServiceItem, user)))
    since = _last_step_at(session, [i.id for i in items])
    for item in items:
        for name in lifecycle.allowed_moves(item, user):
            started = since.get(item.id) or item.updated_at
            rows.append(_row(item, lifecycle.MOVES[name].label, started))
            break
    rows += _confirmations(session, user)
    rows += _handler_gaps(session, user)
    if permissions.can(user, "file_handler"):
        rows += [
            _row(a.item, str(_file_label()), a.decided_at, "filing", a.node, a)
            for a in awaiting_filing(session)
        ]
    rows += _retraining(session, user)
    rows.sort(key=lambda r: r["since"])
    return rows


def _retraining(session, user):
    """Holders of a trained role due for retraining (art. 18): all of them for the IT office
    that keeps the records, one's own row for everyone else; due on the day it expires."""
    from flask_babel import gettext as _
    from flask_babel import lazy_gettext as _l

    keeper = permissions.can(user, "keep_training")
    rows = []
    for due in training.due_for_retraining(session):
        if not keeper and due.user.id != user.id:
            continue
        what = _l("培训考核已过期，需重新培训") if due.expired else _l("培训考核即将到期")
        day = due.until or utcnow().date()
        since = datetime.combine(day, datetime.min.time())
        rows.append(
            {
                "item": None,
                "what": _("{what}：{user}（{roles}）").format(
                    what=what, user=due.user.username, roles="、".join(due.roles)
                ),
                "since": since,
                "due": since,
                "overdue": due.expired,
                "kind": "training",
                "node": None,
                "assignment": None,
            }
        )
    return rows


def _file_label():
    from flask_babel import lazy_gettext as _l

    return _l("办理人备案与授权")


def _confirmations(session, user):
    from flask_babel import lazy_gettext as _l

    if not permissions.can(user, "confirm_unit") or not user.department_id:
        return []
    query = select(ServiceItem).where(ServiceItem.lifecycle.in_(hall.CONFIRMING))
    clause = scope.involved_items_clause(user)
    if clause is not None:
        query = query.where(clause)
    rows = []
    for item in session.scalars(query):
        units = hall.involved_units(item)
        if user.department_id in units and user.department_id not in hall.confirmed_units(
            session, item
        ):
            started = _last_step_at(session, [item.id]).get(item.id) or item.updated_at
            rows.append(_row(item, _l("本单位确认上线"), started, "confirm"))
    return rows


def _handler_gaps(session, user):
    """Nodes of the user's unit, on items not offline, with no filed or pending handler."""
    from flask_babel import lazy_gettext as _l

    if not permissions.can(user, "propose_handler") or not user.department_id:
        return []
    nodes = session.scalars(
        select(ProcessNode)
        .join(ServiceItem, ProcessNode.item_id == ServiceItem.id)
        .where(
            ServiceItem.lifecycle != "offline",
            or_(
                ProcessNode.handling_department_id == user.department_id,
                and_(
                    ProcessNode.handling_department_id.is_(None),
                    ServiceItem.department_id == user.department_id,
                ),
            ),
        )
        .order_by(ServiceItem.code, ProcessNode.position)
    )
    rows = []
    for node in nodes:
        history = node_history(session, node)
        if any(a.status in ("submitted", "approved", "filed") for a in history):
            continue
        ended = next((a for a in history if a.status == "ended"), None)
        what = _l("办理人离岗，需交接") if ended else _l("指定环节办理人")
        started = ended.ended_at if ended else node.created_at
        rows.append(_row(node.item, what, started, "node", node))
    return rows
