"""The service hall section of an item's page: its timeline, the units that must confirm, the
handlers of its nodes and what still blocks going live."""

from flask import g

from app.extensions import db
from app.models import Department
from app.models.choices import ASSIGNMENT_STATUS, LIFECYCLE
from app.services.access import permissions
from app.services.review import hall, lifecycle, tasks


def hall_panel(item) -> dict:
    session = db.session
    done = hall.confirmed_units(session, item)
    units = [(session.get(Department, unit), unit in done) for unit in hall.involved_units(item)]
    filed = hall.active_handlers(session, item)
    nodes = [
        (node, filed.get(node.id, []), tasks.node_history(session, node)) for node in item.nodes
    ]
    confirming = item.lifecycle in hall.CONFIRMING
    return {
        "timeline": hall.timeline(session, item),
        "units": units,
        "confirming": confirming,
        "may_confirm": confirming
        and permissions.can(g.user, "confirm_unit")
        and g.user.department_id in dict((d.id, ok) for d, ok in units if not ok),
        "nodes": nodes,
        "may_propose": permissions.can(g.user, "propose_handler"),
        "user_unit": getattr(g.user, "department_id", None),
        "node_unit": hall.node_unit,
        "blockers": hall.go_live_blockers(session, item)
        if confirming or item.lifecycle in ("accepted", "change_accepted")
        else [],
        "open_request": hall.open_request_of(session, item),
        "live": item.lifecycle in lifecycle.LIVE_STATES,
        "states": LIFECYCLE,
        "assignment_states": ASSIGNMENT_STATUS,
        "step_labels": {name: move.label for name, move in lifecycle.MOVES.items()},
    }
