"""Lifecycle of a service item on the service hall (measures art. 8-12): onboarding request,
the office's signed approval, development, acceptance, training, every unit's confirmation and
filed handlers before go-live; change and offline requests through the same approval."""

from datetime import date

import pytest

from app.models import HallRequest, HallStep, RecordVersion, ServiceItem
from app.services.errors import (
    DomainError,
    InvalidTransitionError,
    NotFoundError,
    PermissionDeniedError,
    SignatureRefusedError,
)
from app.services.review import hall, inbox, lifecycle, records, workflow
from app.services.review.lifecycle import Evidence
from tests import factories as f
from tests.factories import PASSWORD
from tests.hall_helpers import (
    DECLARED,
    SIGNED,
    TRAINING,
    confirm_all,
    file_handlers,
    hall_item,
    to_online,
    to_training,
)


@pytest.fixture
def users(db_session):
    return {role: f.user(db_session, role) for role in f.ROLE_USERS}


def test_new_item_starts_planned_when_not_yet_online(db_session, users):
    item = f.service_item(db_session, code="SI-LC-1", running_status="deploy")
    records.before_create(db_session, item, users["contact"])
    assert item.lifecycle == "planned"
    running = f.service_item(db_session, code="SI-LC-2", running_status="good")
    records.before_create(db_session, running, users["contact"])
    assert running.lifecycle == "online"


def test_onboarding_to_online_follows_the_measures(db_session, users):
    """Request, signed approval, development, acceptance, training, both units' confirmation,
    filed handlers and the emergency plan; going live sets the running status to 良好."""
    item = hall_item(db_session)
    lifecycle.move(db_session, item, users["contact"], "request_onboarding", "需求", DECLARED)
    request = db_session.query(HallRequest).filter_by(item_id=item.id).one()
    assert request.status == "submitted" and request.no_classified
    pending = [row["record"] for row in inbox.pending(db_session)]
    assert request in pending and inbox.pending_count(db_session) == len(pending)
    lifecycle.move(db_session, item, users["reviewer"], "approve_onboarding", evidence=SIGNED)
    assert request.status == "approved" and len(request.signature_hash) == 64
    assert request.signer_name and request not in [r["record"] for r in inbox.pending(db_session)]
    for action, role, evidence, note in [
        ("start_development", "admin", None, ""),
        ("deliver", "admin", None, ""),
        ("accept", "contact", None, "测试通过"),
        ("record_training", "contact", TRAINING, ""),
    ]:
        lifecycle.move(db_session, item, users[role], action, note, evidence)
    assert item.lifecycle == "confirming"
    with pytest.raises(DomainError) as refused:
        lifecycle.move(db_session, item, users["admin"], "go_live")
    message = str(refused.value)
    assert "线下应急办理预案" in message and "测试学生处" in message and "办理人" in message
    assert item.lifecycle == "confirming"
    item.offline_plan = "行政楼 101 室线下办理"
    file_handlers(db_session, item, users)
    confirm_all(db_session, item, users)
    lifecycle.move(db_session, item, users["admin"], "go_live")
    assert (item.lifecycle, item.running_status) == ("online", "good")
    actions = [s.action for s in hall.timeline(db_session, item)]
    assert actions[0] == "go_live" and actions.count("confirm_unit") == 2
    assert actions[-1] == "request_onboarding"


def test_the_office_signs_with_its_password_and_returns_with_a_reason(db_session, users):
    item = hall_item(db_session, code="SI-LC-SIGN")
    lifecycle.move(db_session, item, users["contact"], "request_onboarding", "需求", DECLARED)
    with pytest.raises(SignatureRefusedError):
        lifecycle.move(
            db_session, item, users["reviewer"], "approve_onboarding", evidence=Evidence("x")
        )
    with pytest.raises(DomainError, match="说明"):
        lifecycle.move(db_session, item, users["reviewer"], "reject_onboarding", evidence=SIGNED)
    assert item.lifecycle == "onboarding_requested"
    lifecycle.move(db_session, item, users["reviewer"], "reject_onboarding", "材料不全", SIGNED)
    request = db_session.query(HallRequest).filter_by(item_id=item.id).one()
    assert (item.lifecycle, request.status, request.decision_comment) == (
        "planned",
        "returned",
        "材料不全",
    )


def test_a_request_declares_no_classified_content_and_a_classified_item_stays_off(
    db_session, users
):
    item = hall_item(db_session, code="SI-LC-SECRET")
    with pytest.raises(DomainError, match="涉密"):
        lifecycle.move(db_session, item, users["contact"], "request_onboarding", "需求")
    item.classified = True
    with pytest.raises(DomainError, match="涉密事项不能申请"):
        lifecycle.move(db_session, item, users["contact"], "request_onboarding", "需求", DECLARED)
    assert item.lifecycle == "planned"
    assert db_session.query(HallRequest).count() == 0


def test_only_the_right_role_moves_each_step(db_session, users):
    item = hall_item(db_session, code="SI-LC-4", lifecycle="onboarding_requested")
    for role in ("contact", "leader", "process_admin"):
        with pytest.raises(PermissionDeniedError):
            lifecycle.move(db_session, item, users[role], "approve_onboarding", evidence=SIGNED)
    item.lifecycle = "acceptance"
    with pytest.raises(PermissionDeniedError):
        lifecycle.move(db_session, item, users["admin"], "accept", "自己验收")
    with pytest.raises(NotFoundError):
        lifecycle.move(db_session, item, users["contact_other"], "accept", "别人的事项")


def test_training_needs_its_date_and_attachment(db_session, users):
    item = hall_item(db_session, code="SI-LC-TRAIN", lifecycle="accepted")
    with pytest.raises(DomainError, match=r"日期.*附件"):
        lifecycle.move(db_session, item, users["contact"], "record_training")
    lifecycle.move(db_session, item, users["contact"], "record_training", evidence=TRAINING)
    step = db_session.query(HallStep).filter_by(item_id=item.id).one()
    assert step.event_date == date(2026, 12, 1) and step.attachment.startswith(b"%PDF")


def test_every_involved_unit_confirms_through_its_own_process_administrator(db_session, users):
    item = hall_item(db_session, code="SI-LC-CONF")
    to_training(db_session, item, users)
    assert hall.involved_units(item) == [
        f.department(db_session).id,
        item.nodes[1].handling_department_id,
    ]
    with pytest.raises(PermissionDeniedError):
        hall.confirm(db_session, item, users["contact"])
    hall.confirm(db_session, item, users["process_admin"])
    with pytest.raises(InvalidTransitionError, match="已确认"):
        hall.confirm(db_session, item, users["process_admin"])
    lone = hall_item(db_session, code="SI-LC-LONE", other_unit=False)
    to_training(db_session, lone, users)
    with pytest.raises(NotFoundError):
        hall.confirm(db_session, lone, users["process_admin_other"])
    hall.confirm(db_session, item, users["process_admin_other"])
    assert hall.confirmed_units(db_session, item) == set(hall.involved_units(item))


def test_a_change_keeps_the_running_version_live_and_needs_active_handlers(db_session, users):
    item = hall_item(db_session, code="SI-LC-CHG", transformation_needs="对接统一身份认证")
    workflow.submit(db_session, item, users["contact"])
    workflow.approve(db_session, item, users["reviewer"], PASSWORD)
    to_online(db_session, item, users)
    from app.services.review import handlers

    gone = hall.active_handlers(db_session, item)[item.nodes[0].id][0]
    handlers.end(db_session, gone, "调离")
    with pytest.raises(DomainError, match="尚无已备案的在岗办理人"):
        lifecycle.move(db_session, item, users["contact"], "request_change", "加环节", DECLARED)
    row = handlers.propose(db_session, item.nodes[0], users["process_admin"], "t_procadmin")
    handlers.decide(db_session, row, users["reviewer"], "approved", PASSWORD)
    f.training_record(db_session, username="t_procadmin")
    handlers.file(db_session, row, users["security"])
    lifecycle.move(db_session, item, users["contact"], "request_change", "加环节", DECLARED)
    lifecycle.move(db_session, item, users["reviewer"], "approve_change", evidence=SIGNED)
    assert item.lifecycle == "change_approved" and item.lifecycle in lifecycle.LIVE_STATES
    lifecycle.move(db_session, item, users["admin"], "start_development")
    assert item.lifecycle == "change_development"
    current = db_session.query(RecordVersion).filter_by(record_id=item.id, is_current=True)
    assert current.count() == 1, "the running version stays published during the change"
    lifecycle.move(db_session, item, users["admin"], "deliver")
    lifecycle.move(db_session, item, users["contact"], "accept", "变更测试通过")
    lifecycle.move(db_session, item, users["contact"], "record_training", evidence=TRAINING)
    assert item.lifecycle == "change_confirming"
    assert hall.confirmed_units(db_session, item) == set(), "a new round of confirmations"
    hall.confirm(db_session, item, users["process_admin"])
    hall.confirm(db_session, item, users["process_admin_other"])
    lifecycle.move(db_session, item, users["admin"], "go_live")
    assert item.lifecycle == "online"


def test_offline_item_is_read_only_leaves_lists_and_keeps_its_data(db_session, users):
    item = f.complete_item(db_session, code="SI-LC-6")
    workflow.submit(db_session, item, users["contact"])
    workflow.approve(db_session, item, users["reviewer"], PASSWORD)
    db_session.commit()
    lifecycle.move(db_session, item, users["contact"], "request_offline", "业务已取消", DECLARED)
    lifecycle.move(db_session, item, users["reviewer"], "approve_offline", evidence=SIGNED)
    assert item.lifecycle == "offline_approved"
    with pytest.raises(PermissionDeniedError):
        lifecycle.move(db_session, item, users["reviewer"], "take_offline")
    lifecycle.move(db_session, item, users["admin"], "take_offline")
    db_session.commit()
    assert item.lifecycle == "offline"
    assert (
        db_session.query(RecordVersion).filter_by(record_id=item.id, is_current=True).count() == 0
    )
    assert db_session.query(RecordVersion).filter_by(record_id=item.id).count() == 1
    with pytest.raises(PermissionDeniedError):
        records.before_update(db_session, item, users["contact"])
    with pytest.raises(PermissionDeniedError):
        records.before_update(db_session, item.nodes[0], users["contact"])
    with pytest.raises(PermissionDeniedError):
        records.before_delete(db_session, item, users["contact"])
    assert db_session.query(ServiceItem).filter_by(lifecycle="offline").count() == 1


def test_requests_and_refusals_need_a_reason(db_session, users):
    item = f.service_item(db_session, code="SI-LC-5")
    with pytest.raises(DomainError):
        lifecycle.move(db_session, item, users["contact"], "request_offline", " ", DECLARED)
    assert item.lifecycle == "online"


def test_lifecycle_buttons_on_the_item_page(client_as, db_session):
    item = hall_item(db_session, code="SI-LC-8")
    db_session.commit()
    client = client_as("contact")
    assert "申请入驻" in client.get(f"/serviceitemview/show/{item.id}").text
    url = f"/workflow/service_item/{item.id}/lifecycle/request_onboarding"
    client.post(url, data={"note": "师生需求强烈"})
    db_session.expire_all()
    assert db_session.get(ServiceItem, item.id).lifecycle == "planned", "no declaration"
    response = client.post(url, data={"note": "师生需求强烈", "no_classified": "y"})
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(ServiceItem, item.id).lifecycle == "onboarding_requested"
    reviewer = client_as("reviewer")
    page = reviewer.get(f"/serviceitemview/show/{item.id}").text
    assert "批准入驻并签名" in page and "入驻申请中" in page
    request = db_session.query(HallRequest).filter_by(item_id=item.id).one()
    assert f"/hallrequestview/show/{request.id}" in reviewer.get("/workflow/inbox/").text
    assert "批准并签名" in reviewer.get(f"/hallrequestview/show/{request.id}").text
    reviewer.post(
        f"/workflow/service_item/{item.id}/lifecycle/approve_onboarding",
        data={"password": PASSWORD},
    )
    db_session.expire_all()
    assert db_session.get(ServiceItem, item.id).lifecycle == "onboarding_approved"


def test_is_offline_is_one_rule_for_python_and_sql(db_session):
    """ServiceItem.is_offline answers on an object and filters a query alike."""
    from sqlalchemy import select

    items = [f.service_item(db_session, code=f"SI-T-OFF{n}") for n in (1, 2)]
    items[1].lifecycle = "offline"
    db_session.flush()
    assert [i.is_offline for i in items] == [False, True]
    ids = {i.id for i in items}
    online = db_session.scalars(
        select(ServiceItem.id).where(~ServiceItem.is_offline, ServiceItem.id.in_(ids))
    ).all()
    offline = db_session.scalars(
        select(ServiceItem.id).where(ServiceItem.is_offline, ServiceItem.id.in_(ids))
    ).all()
    assert (online, offline) == ([items[0].id], [items[1].id])
