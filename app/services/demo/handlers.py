"""Filed handlers (办理人备案) in the demo college, and the gaps a real college has.

Every node of a live or going-live item gets a filed handler of the unit that handles it (the
node's handling department, else the item's own): 教务处's is demo_handler, who logs in; any
other unit's is the contact it reported (the one who knows its processes, else its first), as
the directory would name them. A unit that reported no contact has filed nobody either, and two
handlers have left since (调离, ended by the directory sync) with no one filed after them: the
findings page shows those nodes (`node_without_handler`).

Idempotent: a node that has an assignment already is left alone, and the departures are
planted once.
"""

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.models import Contact, HandlerAssignment, ProcessNode, ServiceItem
from app.services.demo.rows import Context, insert_rows
from app.services.insight.finding_handling import LIVE_OR_GOING_LIVE

LEFT = 2  # filed handlers who have left, each on a different unit's node of a live item
LEFT_REASON = "调离本部门（统一身份认证同步），尚未备案接任办理人"


def seed_handlers(session: Session, ctx: Context, people: dict) -> None:
    """A filed handler on every node of live and going-live items, then the departures."""
    handlers = _unit_handlers(session, ctx, people)
    taken = set(session.scalars(select(HandlerAssignment.node_id)))
    nodes = session.execute(
        select(
            ProcessNode.id,
            ProcessNode.item_id,
            ProcessNode.handling_department_id,
            ServiceItem.department_id,
        )
        .join(ServiceItem, ServiceItem.id == ProcessNode.item_id)
        .where(ServiceItem.lifecycle.in_(LIVE_OR_GOING_LIVE))
    ).all()
    at = ctx.now - timedelta(days=10)
    submitter = people["procadmin"].id if people.get("procadmin") else None
    rows = []
    for node_id, item_id, handling, owner in nodes:
        unit = handling or owner
        if node_id in taken or unit not in handlers:
            continue
        username, name = handlers[unit]
        rows.append(_filed(node_id, item_id, unit, username, name, at, submitter))
    insert_rows(session, HandlerAssignment, rows)
    _plant_departures(session, ctx)


def _unit_handlers(session, ctx, people) -> dict[int, tuple[str, str]]:
    """{unit id: (account, name)} of the person each unit files as its handler."""
    handlers = {}
    contacts = session.execute(
        select(Contact.department_id, Contact.staff_no, Contact.name)
        .where(Contact.staff_no.isnot(None))
        .order_by(Contact.department_id, Contact.knows_processes.desc(), Contact.id)
    )
    for unit, staff_no, name in contacts:
        handlers.setdefault(unit, (staff_no, name))
    jwc, handler = ctx.departments.get("JWC"), people.get("handler")
    if jwc is not None and handler is not None:
        handlers[jwc.id] = (handler.username, f"{handler.last_name}{handler.first_name}")
    return handlers


def _filed(node_id, item_id, unit, username, name, at: datetime, submitter) -> dict:
    return {
        "node_id": node_id,
        "item_id": item_id,
        "department_id": unit,
        "username": username,
        "display_name": name,
        "employee_type": None,
        "status": "filed",
        "submitted_at": at,
        "submitted_by_id": submitter,
        "decided_at": at + timedelta(days=1),
        "signer_name": "演示审核员",
        "signature_hash": None,
        "decision_comment": None,
        "filed_at": at + timedelta(days=2),
        "filed_by_name": "演示安全管理员",
        "ended_at": None,
        "end_reason": None,
        "created_at": at,
        "updated_at": at,
        "version": 1,
        "created_by_id": None,
        "updated_by_id": None,
    }


def _plant_departures(session, ctx):
    """Two units' handlers on an online item left: ended, and nobody filed after them."""
    planted = session.scalar(
        select(HandlerAssignment.id).where(HandlerAssignment.end_reason == LEFT_REASON)
    )
    if planted is not None:
        return
    jwc = ctx.departments.get("JWC")
    rows = session.execute(
        select(HandlerAssignment.id, HandlerAssignment.department_id)
        .join(ServiceItem, ServiceItem.id == HandlerAssignment.item_id)
        .where(
            ServiceItem.lifecycle == "online",
            HandlerAssignment.status == "filed",
            HandlerAssignment.department_id != (jwc.id if jwc else -1),
        )
        .order_by(ServiceItem.code, HandlerAssignment.id)
    ).all()
    units = set()
    for row_id, unit in rows:
        if unit in units or len(units) >= LEFT:
            continue
        units.add(unit)
        session.execute(
            update(HandlerAssignment)
            .where(HandlerAssignment.id == row_id)
            .values(status="ended", ended_at=ctx.now - timedelta(days=3), end_reason=LEFT_REASON)
        )
