"""Driving a service item along the service hall's chain in tests, step by step, as the
people of each role would."""

from datetime import date

from app.services.review import handlers, lifecycle
from app.services.review.hall import confirm
from app.services.review.lifecycle import Evidence
from tests import factories as f

DECLARED = Evidence(no_classified=True)
SIGNED = Evidence(password=f.PASSWORD)
TRAINING = Evidence(
    event_date=date(2026, 12, 1),
    attachment_name="培训通知.pdf",
    attachment_type="application/pdf",
    attachment=b"%PDF-1.4 training notice",
)


def hall_item(session, code="SI-HALL-1", other_unit=True, **values):
    """A complete T01 item whose second node is handled by T02 (when `other_unit`)."""
    values.setdefault("running_status", "deploy")
    values.setdefault("lifecycle", "planned")
    item = f.complete_item(session, code=code, **values)
    if other_unit:
        item.nodes[1].handling_department = f.department(session, "T02")
    session.flush()
    return item


def to_training(session, item, users):
    """planned -> ... -> confirming, through the roles the measures name."""
    steps = [
        ("request_onboarding", "contact", DECLARED, "师生需求强烈"),
        ("approve_onboarding", "reviewer", SIGNED, ""),
        ("start_development", "admin", None, ""),
        ("deliver", "admin", None, ""),
        ("accept", "contact", None, "测试 12 个用例全部通过"),
        ("record_training", "process_admin", TRAINING, "面向全校培训"),
    ]
    for action, role, evidence, note in steps:
        lifecycle.move(session, item, users[role], action, note=note, evidence=evidence)


def file_handlers(session, item, users):
    """A filed, trained handler for every node (proposed by each node's unit)."""
    for node in item.nodes:
        unit_admin = users[
            "process_admin_other" if node.handling_department_id else "process_admin"
        ]
        username = "t_contact2" if node.handling_department_id else "t_handler"
        if handlers.valid_training(session, username) is None:
            f.training_record(session, username=username)
        row = handlers.propose(session, node, unit_admin, username)
        handlers.decide(session, row, users["reviewer"], "approved", f.PASSWORD)
        handlers.file(session, row, users["security"])


def confirm_all(session, item, users):
    confirm(session, item, users["process_admin"])
    if any(n.handling_department_id for n in item.nodes):
        confirm(session, item, users["process_admin_other"])


def to_online(session, item, users, handlers_filed=False):
    to_training(session, item, users)
    item.offline_plan = "大厅不可用时到行政楼 101 室线下办理，电话 0816-1234567"
    if not handlers_filed:
        file_handlers(session, item, users)
    confirm_all(session, item, users)
    lifecycle.move(session, item, users["admin"], "go_live")
