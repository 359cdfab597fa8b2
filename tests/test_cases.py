"""Cases (办件): applying for a live item, and every move of a case through its nodes, run
by SpiffWorkflow on the item's compiled nodes, on the official calendar, signed and audited."""

import json
from datetime import datetime

import pytest
from sqlalchemy import func

from app.models import AuditEntry, Case
from app.services.calendar import days
from app.services.cases import applying, engine, handling
from app.services.errors import (
    DomainError,
    IncompleteRecordError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    SignatureRefusedError,
)
from tests import factories as f
from tests.case_helpers import PDF, live_item, second_handler

AT = datetime(2026, 12, 7, 1, 0)  # a Monday, 09:00 in Beijing
CAL = days.WorkCalendar()


@pytest.fixture(autouse=True)
def _uploads(app, tmp_path):
    saved = app.config.get("INSTANCE_DIR")
    app.config["INSTANCE_DIR"] = str(tmp_path)
    yield
    app.config["INSTANCE_DIR"] = saved


@pytest.fixture
def users(db_session):
    return {role: f.user(db_session, role) for role in f.ROLE_USERS}


def _submitted(session, item, applicant, at=AT):
    case = applying.apply(session, item, applicant)
    applying.save_draft(session, case, applicant, note="申请开具", conditions_confirmed=True)
    applying.attach(session, case, applicant, item.materials[0], "申请表.pdf", PDF)
    applying.submit(session, case, applicant, at=at, calendar=CAL)
    return case


def _open(case):
    return [t for t in case.tasks if t.state == "open"]


def _act(session, case, user, action="approve", **kwargs):
    (task,) = [t for t in _open(case) if t.handler_id in (None, user.id)][:1]
    task = handling.load_task(session, task.id, user)
    function = {
        "approve": handling.approve,
        "complete": handling.complete,
        "return": handling.return_to_applicant,
    }[action]
    if action == "approve":
        kwargs.setdefault("calendar", CAL)
    return function(session, task, user, f.PASSWORD, **kwargs)


def test_compiled_nodes_run_in_order_and_consecutive_countersigns_in_parallel():
    nodes = [
        engine.NodeSpec(1, "受理", "submit"),
        engine.NodeSpec(2, "教务处会签", "countersign"),
        engine.NodeSpec(3, "学生处会签", "countersign"),
        engine.NodeSpec(4, "审批", "approve"),
        engine.NodeSpec(5, "财务处会签", "countersign"),
        engine.NodeSpec(6, "办结", "complete"),
    ]
    assert [[n.id for n in s] for s in engine.stages(nodes)] == [[1], [2, 3], [4], [5], [6]]
    workflow = engine.start(engine.compile_nodes("p", "事项", nodes), "p")
    assert engine.ready_nodes(workflow) == [1]
    assert sorted(engine.finish(workflow, 1, {})) == [2, 3]
    workflow = engine.load(engine.dump(workflow))  # the state survives the database
    assert engine.finish(workflow, 3, {}) == []  # the join waits for the other countersign
    assert engine.finish(workflow, 2, {}) == [4]
    assert engine.finish(workflow, 4, {}) == [5]
    assert engine.finish(workflow, 5, {}) == [6]
    engine.finish(workflow, 6, {})
    assert engine.is_completed(workflow)


def test_a_node_name_cannot_inject_bpmn():
    nodes = [engine.NodeSpec(1, '审核" /><bpmn:scriptTask id="x', "review")]
    workflow = engine.start(engine.compile_nodes("p", '<事项 & "名">', nodes), "p")
    assert engine.ready_nodes(workflow) == [1]
    assert workflow.spec.task_specs["node_1"].bpmn_name == nodes[0].name


def test_a_case_goes_through_every_node_signed_and_audited_to_its_result(db_session, users):
    item = live_item(db_session)
    applicant, handler = users["contact"], users["handler"]
    # An earlier test's case may have had this id (SQLite reuses a deleted row's id).
    since = db_session.query(func.max(AuditEntry.seq)).scalar() or 0
    case = _submitted(db_session, item, applicant)
    assert case.status == "submitted"
    assert case.definition_version == 1
    assert case.submitted_at == AT
    assert case.due_at == days.add_working_days(AT, 5, CAL)
    (first,) = _open(case)
    assert first.node_name == "受理" and first.due_at == datetime(2026, 12, 8, 1, 0)
    _act(db_session, case, handler, comment="材料齐全")
    assert case.status == "in_progress"
    assert first.state == "done" and first.decision == "approve"
    assert first.signer_name and len(first.signature_hash) == 64
    (second,) = _open(case)
    assert second.node_name == "部门审核"
    _act(db_session, case, handler)
    with pytest.raises(DomainError):  # the last node completes with a result
        _act(db_session, case, handler)
    with pytest.raises(DomainError):
        _act(db_session, case, handler, "complete", result="")
    _act(db_session, case, handler, "complete", result="已开具证明，请到 101 室领取")
    assert case.status == "completed"
    assert case.result == "已开具证明，请到 101 室领取"
    assert case.completed_at is not None
    db_session.commit()
    actions = [
        e.action
        for e in db_session.query(AuditEntry)
        .filter_by(record_type="service_case", record_id=case.id)
        .filter(AuditEntry.seq > since)
        .order_by(AuditEntry.seq)
    ]
    assert actions == [
        "create",
        "update",  # the draft saved
        "case_submit",
        "case_approve",
        "case_approve",
        "case_complete",
    ]
    signed = (
        db_session.query(AuditEntry)
        .filter_by(record_type="case_task", record_id=first.id, action="update")
        .filter(AuditEntry.seq > since)
        .one()
    )
    assert json.loads(signed.changes)["signature_hash"][1] == first.signature_hash
    files = db_session.query(AuditEntry).filter_by(record_type="case_file")
    assert files.filter(AuditEntry.seq > since).count() == 1


def test_consecutive_countersigns_are_handled_in_parallel_by_their_own_handlers(db_session, users):
    other = second_handler(db_session)
    item = live_item(
        db_session,
        nodes=[
            ("受理", "submit", "1个工作日"),
            ("教务处会签", "countersign", "2个工作日"),
            ("学生处会签", "countersign", "3个工作日"),
            ("办结", "complete", None),
        ],
    )
    countersign_b = item.nodes[2]
    f.handler_assignment(db_session, countersign_b, username=other.username, display_name="乙")
    case = _submitted(db_session, item, users["contact"])
    _act(db_session, case, users["handler"])
    both = _open(case)
    assert sorted(t.node_name for t in both) == ["学生处会签", "教务处会签"]
    # Each countersign is due by its own limit, counted from the same moment.
    assert {t.node_name: t.due_at for t in both} == {
        "教务处会签": days.add_working_days(both[0].opened_at, 2, CAL),
        "学生处会签": days.add_working_days(both[0].opened_at, 3, CAL),
    }
    # The second handler sees only the node they are filed for.
    assert [r.task.node_name for r in handling.inbox(db_session, other, AT, CAL)] == ["学生处会签"]
    b_task = next(t for t in both if t.node_name == "学生处会签")
    handling.approve(db_session, b_task, other, f.PASSWORD, calendar=CAL)
    assert [t.node_name for t in _open(case)] == ["教务处会签"]  # the join waits
    _act(db_session, case, users["handler"])
    assert [t.node_name for t in _open(case)] == ["办结"]


def test_a_running_case_keeps_the_nodes_it_started_with(db_session, users):
    item = live_item(db_session)
    case = _submitted(db_session, item, users["contact"])
    added = f.process_node(db_session, item, name="新增校领导审批", position=9, kind="approve")
    f.handler_assignment(db_session, added)
    item.nodes[1].name, item.nodes[1].time_limit = "改名后的审核", "10个工作日"
    item.approved_version_no = 2
    _act(db_session, case, users["handler"], at=AT)
    (second,) = _open(case)
    assert second.node_name == "部门审核"  # named and timed as when the case started
    assert second.due_at == days.add_working_days(AT, 2, CAL)
    _act(db_session, case, users["handler"])
    _act(db_session, case, users["handler"], "complete", result="办结")
    assert case.status == "completed"
    assert "新增校领导审批" not in [t.node_name for t in case.tasks]
    assert case.definition_version == 1
    newer = _submitted(db_session, item, users["contact"])
    assert newer.definition_version == 2


def test_a_promise_of_five_working_days_before_national_day_counts_the_official_calendar(
    db_session, users
):
    """Submitted on Sunday 2025-09-28 (a 调休 working day): Sep 29, 30, Oct 9, 10 and Saturday
    Oct 11 (another 调休 working day) are the five working days; Oct 1-8 are the holiday."""
    item = live_item(db_session, promised_limit="5个工作日", handling_type="promise")
    submitted = datetime(2025, 9, 28, 1, 0)
    case = _submitted(db_session, item, users["contact"], at=submitted)
    assert case.due_at == datetime(2025, 10, 11, 1, 0)
    (first,) = _open(case)
    assert first.due_at == datetime(2025, 9, 29, 1, 0)  # the 1-working-day node
    progress = applying.progress(db_session, case, datetime(2025, 9, 30, 2, 0), CAL)
    assert progress.remaining_days == 3  # Oct 9, 10, 11
    assert progress.holders[0].node == "受理"
    assert progress.holders[0].names == ["测试办理人"]
    assert progress.holders[0].remaining_days == -1  # due Sep 29: one working day late


def test_only_a_live_item_can_be_applied_for(db_session, users):
    for code, values in {
        "SI-C-PLAN": {"lifecycle": "planned"},
        "SI-C-OFF": {"lifecycle": "offline"},
        "SI-C-NEW": {"approved_version_no": None},
    }.items():
        item = live_item(db_session, code=code)
        for key, value in values.items():
            setattr(item, key, value)
        db_session.flush()
        with pytest.raises(DomainError):
            applying.apply(db_session, item, users["contact"])
        assert item not in applying.live_items(db_session)
    live = live_item(db_session, code="SI-C-LIVE")
    assert applying.live_items(db_session) == [live]


def test_the_form_comes_from_the_item_and_a_submission_needs_all_of_it(db_session, users):
    item = live_item(db_session)
    form = applying.form_of(item)
    assert form.conditions == "在籍学生"
    assert [m.name for m in form.materials] == ["申请表", "补充说明"]
    applicant = users["contact"]
    case = applying.apply(db_session, item, applicant)
    with pytest.raises(IncompleteRecordError) as refused:
        applying.submit(db_session, case, applicant, at=AT, calendar=CAL)
    assert refused.value.missing == ["确认符合办理条件", "申请表"]
    applying.save_draft(db_session, case, applicant, conditions_confirmed=True)
    applying.attach(db_session, case, applicant, item.materials[0], "表.pdf", PDF)
    applying.submit(db_session, case, applicant, at=AT, calendar=CAL)
    assert case.status == "submitted"
    with pytest.raises(DomainError):  # a submitted case is not edited
        applying.save_draft(db_session, case, applicant, note="改")
    with pytest.raises(InvalidTransitionError):
        applying.submit(db_session, case, applicant, at=AT, calendar=CAL)


def test_the_applicant_withdraws_before_the_first_node_acts_and_not_after(db_session, users):
    item = live_item(db_session)
    applicant = users["contact"]
    case = _submitted(db_session, item, applicant)
    with pytest.raises(NotFoundError):  # only the applicant
        applying.withdraw(db_session, case, users["contact_other"])
    applying.withdraw(db_session, case, applicant)
    assert case.status == "withdrawn"
    assert [t.state for t in case.tasks] == ["cancelled"]
    assert handling.inbox(db_session, users["handler"], AT, CAL) == []
    acted = _submitted(db_session, item, applicant)
    _act(db_session, acted, users["handler"])
    with pytest.raises(InvalidTransitionError):
        applying.withdraw(db_session, acted, applicant)


def test_a_return_asks_the_applicant_for_material_and_the_node_gets_it_back(db_session, users):
    item = live_item(db_session)
    applicant, handler = users["contact"], users["handler"]
    case = _submitted(db_session, item, applicant)
    _act(db_session, case, handler)
    with pytest.raises(DomainError):  # a return says what is missing
        _act(db_session, case, handler, "return", comment=" ")
    _act(db_session, case, handler, "return", comment="请补充盖章的申请表")
    assert case.status == "returned"
    assert case.return_comment == "请补充盖章的申请表"
    assert handling.inbox(db_session, handler, AT, CAL) == []
    progress = applying.progress(db_session, case, AT, CAL)
    assert progress.holders[0].names == ["申请人"]
    applying.attach(db_session, case, applicant, item.materials[1], "盖章.pdf", PDF)
    applying.submit(db_session, case, applicant, at=AT, calendar=CAL)
    assert case.status == "in_progress" and case.return_comment is None
    (again,) = _open(case)
    assert again.node_name == "部门审核"
    _act(db_session, case, handler)
    assert [t.node_name for t in _open(case)] == ["办结"]


def test_a_transfer_goes_only_to_another_filed_handler_of_the_node(db_session, users):
    other = second_handler(db_session)
    item = live_item(db_session)
    handler = users["handler"]
    case = _submitted(db_session, item, users["contact"])
    (task,) = _open(case)
    with pytest.raises(DomainError):  # not filed for this node
        handling.transfer(db_session, task, handler, f.PASSWORD, other.username)
    f.handler_assignment(db_session, item.nodes[0], username=other.username, display_name="乙")
    with pytest.raises(DomainError):
        handling.transfer(db_session, task, handler, f.PASSWORD, handler.username)
    new = handling.transfer(db_session, task, handler, f.PASSWORD, other.username, "请乙办理")
    assert task.state == "transferred" and task.signature_hash
    assert new.handler_id == other.id and new.due_at == task.due_at
    assert handling.inbox(db_session, handler, AT, CAL) == []
    assert [r.task for r in handling.inbox(db_session, other, AT, CAL)] == [new]
    with pytest.raises(NotFoundError):
        handling.load_task(db_session, new.id, handler)
    progress = applying.progress(db_session, case, AT, CAL)
    assert progress.holders[0].names == ["办理人乙"]
    handling.approve(db_session, new, other, f.PASSWORD, calendar=CAL)
    assert case.status == "in_progress"


def test_a_handler_sees_only_the_steps_of_nodes_they_are_filed_for(db_session, users):
    item = live_item(db_session)
    case = _submitted(db_session, item, users["contact"])
    (task,) = _open(case)
    rows = handling.inbox(db_session, users["handler"], AT, CAL)
    assert [(r.task, r.remaining_days) for r in rows] == [(task, 1)]
    for role in ("contact", "process_admin", "reviewer"):
        assert handling.inbox(db_session, users[role], AT, CAL) == []
    with pytest.raises(PermissionDeniedError):
        handling.load_task(db_session, task.id, users["contact"])
    assignment = item.nodes[0]
    from app.models import HandlerAssignment

    filing = db_session.query(HandlerAssignment).filter_by(node_id=assignment.id).one()
    filing.status = "ended"  # the handler left the post
    db_session.flush()
    assert handling.inbox(db_session, users["handler"], AT, CAL) == []
    with pytest.raises(NotFoundError):
        handling.load_task(db_session, task.id, users["handler"])


def test_a_decision_needs_the_signers_password(db_session, users):
    item = live_item(db_session)
    case = _submitted(db_session, item, users["contact"])
    (task,) = _open(case)
    with pytest.raises(SignatureRefusedError):
        handling.approve(db_session, task, users["handler"], "wrong", calendar=CAL)
    assert task.state == "open" and task.signature_hash is None
    assert case.status == "submitted"


def test_who_may_see_a_case(db_session, users):
    item = live_item(db_session)
    case = _submitted(db_session, item, users["contact"])
    for role in ("contact", "handler", "reviewer", "admin", "leader"):
        assert applying.load(db_session, case.id, users[role]) is case
    for role in ("contact_other", "process_admin"):
        with pytest.raises(NotFoundError):
            applying.load(db_session, case.id, users[role])
    assert applying.my_cases(db_session, users["contact"]) == [case]
    assert db_session.query(Case).count() == 1


def test_two_countersigns_at_once_do_not_lose_one_another(app, db_session, users):
    """Both countersigners load the case; the second to save is told to retry, and its step
    stays open, instead of overwriting the first one's progress in the stored process."""
    from sqlalchemy.orm import Session

    from app.extensions import db
    from app.services.errors import ConflictError

    other = second_handler(db_session)
    item = live_item(
        db_session,
        nodes=[
            ("教务处会签", "countersign", "2个工作日"),
            ("学生处会签", "countersign", "2个工作日"),
            ("办结", "complete", None),
        ],
    )
    f.handler_assignment(db_session, item.nodes[1], username=other.username, display_name="乙")
    case = _submitted(db_session, item, users["contact"])
    db_session.commit()
    first, second = Session(db.engine), Session(db.engine)
    try:
        a_case, b_case = first.get(Case, case.id), second.get(Case, case.id)
        a_task = next(t for t in a_case.tasks if t.node_name == "教务处会签")
        b_task = next(t for t in b_case.tasks if t.node_name == "学生处会签")
        assert a_case.workflow_state and b_case.workflow_state  # both loaded the same state
        a_user = first.get(type(users["handler"]), users["handler"].id)
        b_user = second.get(type(other), other.id)
        handling.approve(first, a_task, a_user, f.PASSWORD, calendar=CAL)
        first.commit()
        with pytest.raises(ConflictError):
            handling.approve(second, b_task, b_user, f.PASSWORD, calendar=CAL)
        second.rollback()
    finally:
        first.close()
        second.close()
    db_session.expire_all()
    case = db_session.get(Case, case.id)
    assert sorted(t.node_name for t in _open(case)) == ["学生处会签"]
    b_task = _open(case)[0]
    handling.approve(db_session, b_task, db_session.merge(other), f.PASSWORD, calendar=CAL)
    assert [t.node_name for t in _open(case)] == ["办结"]


def test_the_service_list_reads_its_items_in_a_fixed_number_of_statements(db_session):
    """Each live item's nodes decide whether it is listed: read with the items, not one query
    per item."""
    from tests.helpers import QueryCounter

    for n in range(5):
        live_item(db_session, code=f"SI-C-MANY-{n}")
    db_session.commit()
    db_session.expire_all()
    with QueryCounter(db_session.get_bind()) as counter:
        listed = applying.live_items(db_session)
    assert len(listed) == 5 and counter.count <= 3, counter.statements
