"""Named handlers of process nodes (办理人备案, measures art. 4(3)②, 6, 18): proposed by the
node's unit from its 在编在岗 people in the directory (real slapd), approved by the office with
its e-signature, filed by the security administrator after a passed training, and ended when
the directory shows the person gone: the node then blocks changes until a new one is filed."""

from datetime import date, timedelta

import pytest

from app.models import ConsoleUser, HandlerAssignment
from app.security.roles import APPLICANT
from app.services.errors import (
    DomainError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    SignatureRefusedError,
)
from app.services.review import hall, handlers, inbox, lifecycle, tasks
from tests import factories as f
from tests.factories import PASSWORD
from tests.hall_helpers import DECLARED, hall_item, to_online
from tests.ldap_fixtures import LDAP_PASSWORD


@pytest.fixture
def users(db_session):
    return {role: f.user(db_session, role) for role in f.ROLE_USERS}


def test_a_proposal_reaches_the_inbox_is_signed_and_filed_with_the_handler_role(db_session, users):
    item = hall_item(db_session, code="SI-H-1")
    node = item.nodes[0]
    row = handlers.propose(db_session, node, users["process_admin"], "t_handler")
    assert row.status == "submitted" and row.department_id == item.department_id
    assert row in [r["record"] for r in inbox.pending(db_session)]
    with pytest.raises(SignatureRefusedError):
        handlers.decide(db_session, row, users["reviewer"], "approved", "wrong")
    with pytest.raises(PermissionDeniedError):
        handlers.decide(db_session, row, users["process_admin"], "approved", PASSWORD)
    handlers.decide(db_session, row, users["reviewer"], "approved", PASSWORD)
    assert row.signature_hash and row.status == "approved"
    with pytest.raises(PermissionDeniedError):
        handlers.file(db_session, row, users["admin"])
    with pytest.raises(DomainError, match="培训考核"):
        handlers.file(db_session, row, users["security"])
    f.training_record(db_session, username="t_handler", session_date=date.today() - timedelta(400))
    with pytest.raises(DomainError, match="培训考核"):
        handlers.file(db_session, row, users["security"])  # expired after a year
    f.training_record(db_session, username="t_handler")
    handlers.file(db_session, row, users["security"])
    assert row.status == "filed" and row.filed_by_name
    account = db_session.query(ConsoleUser).filter_by(username="t_handler").one()
    assert "办理人" in {r.name for r in account.roles}
    with pytest.raises(InvalidTransitionError):
        handlers.file(db_session, row, users["security"])
    with pytest.raises(DomainError, match="已是该环节"):
        handlers.propose(db_session, node, users["process_admin"], "t_handler")


def test_only_the_unit_handling_a_node_names_its_handler(db_session, users):
    item = hall_item(db_session, code="SI-H-2")
    with pytest.raises(NotFoundError):
        handlers.propose(db_session, item.nodes[0], users["process_admin_other"], "t_contact2")
    with pytest.raises(PermissionDeniedError):
        handlers.propose(db_session, item.nodes[1], users["contact_other"], "t_contact2")
    with pytest.raises(DomainError, match="本单位人员"):
        handlers.propose(db_session, item.nodes[1], users["process_admin_other"], "t_handler")
    row = handlers.propose(db_session, item.nodes[1], users["process_admin_other"], "t_contact2")
    assert row.department.code == "T02"
    gaps = tasks.next_steps(db_session, users["process_admin"])
    assert [r["node"] for r in gaps if r["kind"] == "node"] == [item.nodes[0]]


def test_a_returned_proposal_needs_a_reason(db_session, users):
    item = hall_item(db_session, code="SI-H-3")
    row = handlers.propose(db_session, item.nodes[0], users["process_admin"], "t_handler")
    with pytest.raises(DomainError, match="退回意见"):
        handlers.decide(db_session, row, users["reviewer"], "returned", PASSWORD)
    handlers.decide(db_session, row, users["reviewer"], "returned", PASSWORD, "非本岗位人员")
    assert (row.status, row.decision_comment) == ("returned", "非本岗位人员")


def test_directory_candidates_are_the_units_staff_only(ldap_mode, db_session, users):
    """在编在岗 comes from the directory's employeeType: 劳务派遣 staff are not offered and are
    refused if typed in; someone of another unit is refused too."""
    department = f.department(db_session, "T01")
    names = [c.username for c in handlers.candidates(db_session, department)]
    assert {"zhangwei", "liuyang"} <= set(names) and "nogroup" not in names
    assert "lina" not in names  # T02
    item = hall_item(db_session, code="SI-H-LDAP")
    with pytest.raises(DomainError, match="不是在编在岗"):
        handlers.propose(db_session, item.nodes[0], users["process_admin"], "nogroup")
    with pytest.raises(DomainError, match="不属于"):
        handlers.propose(db_session, item.nodes[0], users["process_admin"], "lina")
    row = handlers.propose(db_session, item.nodes[0], users["process_admin"], "liuyang")
    assert (row.display_name, row.employee_type) == ("刘洋", "在编在岗")


def test_a_filed_directory_handler_logs_in_with_the_role_and_leaving_blocks_a_change(
    app, ldap_mode, db_session, users, client, runner
):
    item = hall_item(db_session, code="SI-H-LEAVE", transformation_needs="改造")
    db_session.commit()
    # Not yet filed: he is in no console group, so he signs in as an applicant only.
    before = app.test_client().post(
        "/login/", data={"username": "liuyang", "password": LDAP_PASSWORD}
    )
    assert before.status_code == 302 and "/login" not in before.headers["Location"]
    account = db_session.query(ConsoleUser).filter_by(username="liuyang").one()
    assert {r.name for r in account.roles} == {APPLICANT}
    to_online_with(db_session, item, users, first_handler="liuyang")
    db_session.commit()
    response = client.post("/login/", data={"username": "liuyang", "password": LDAP_PASSWORD})
    assert response.status_code == 302 and "/login" not in response.headers["Location"]
    db_session.expire_all()
    account = db_session.query(ConsoleUser).filter_by(username="liuyang").one()
    assert {r.name for r in account.roles} == {"办理人"}
    ldap_mode.set_person("liuyang", departmentNumber="T02")
    for name in ("t_procadmin", "t_procadmin2", "t_handler", "t_reviewer"):  # trained: kept
        f.training_record(db_session, username=name)
    db_session.commit()
    try:
        result = runner.invoke(args=["hall-sync"])
        assert result.exit_code == 0, result.output
        assert "已结束 1 条" in result.output
        db_session.expire_all()
        row = db_session.query(HandlerAssignment).filter_by(username="liuyang").one()
        assert row.status == "ended" and "调离" in row.end_reason
        item = db_session.get(type(item), item.id)
        assert hall.handler_gaps(db_session, item)
        handover = tasks.next_steps(db_session, users["process_admin"])
        assert any(r["what"] == "办理人离岗，需交接" for r in handover)
        with pytest.raises(DomainError, match="尚无已备案"):
            lifecycle.move(db_session, item, users["contact"], "request_change", "改", DECLARED)
        new = handlers.propose(db_session, item.nodes[0], users["process_admin"], "zhangwei")
        handlers.decide(db_session, new, users["reviewer"], "approved", PASSWORD)
        f.training_record(db_session, username="zhangwei")
        handlers.file(db_session, new, users["security"])
        lifecycle.move(db_session, item, users["contact"], "request_change", "改", DECLARED)
        assert item.lifecycle == "change_requested"
        db_session.commit()
    finally:
        ldap_mode.set_person("liuyang", departmentNumber="T01")


def to_online_with(session, item, users, first_handler):
    """Online, with `first_handler` (a directory person of T01) filed on the first node."""
    row = handlers.propose(session, item.nodes[0], users["process_admin"], first_handler)
    handlers.decide(session, row, users["reviewer"], "approved", PASSWORD)
    f.training_record(session, username=first_handler)
    handlers.file(session, row, users["security"])
    f.training_record(session, username="heping")
    second = handlers.propose(session, item.nodes[1], users["process_admin_other"], "heping")
    handlers.decide(session, second, users["reviewer"], "approved", PASSWORD)
    handlers.file(session, second, users["security"])
    to_online(session, item, users, handlers_filed=True)
