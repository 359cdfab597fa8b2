"""Lifecycle of a service item: onboarding to online, change, offline (measures art. 8-12)."""

import pytest

from app.models import RecordVersion, ServiceItem
from app.services.errors import DomainError, InvalidTransitionError, PermissionDeniedError
from app.services.review import lifecycle, records, workflow
from tests import factories as f
from tests.factories import PASSWORD


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
    item = f.service_item(db_session, code="SI-LC-3", lifecycle="planned")
    steps = [
        ("request_onboarding", "contact", "onboarding_requested"),
        ("approve_onboarding", "reviewer", "onboarding_approved"),
        ("start_development", "admin", "in_development"),
        ("deliver", "admin", "acceptance"),
        ("accept", "contact", "online"),
    ]
    for action, role, state in steps:
        lifecycle.move(db_session, item, users[role], action, note="按办法第八条申请")
        assert item.lifecycle == state
    with pytest.raises(InvalidTransitionError):
        lifecycle.move(db_session, item, users["reviewer"], "approve_onboarding")


def test_only_the_right_role_moves_each_step(db_session, users):
    item = f.service_item(db_session, code="SI-LC-4", lifecycle="onboarding_requested")
    with pytest.raises(PermissionDeniedError):
        lifecycle.move(db_session, item, users["contact"], "approve_onboarding")
    with pytest.raises(PermissionDeniedError):
        lifecycle.move(db_session, item, users["leader"], "approve_onboarding")


def test_requests_and_refusals_need_a_reason(db_session, users):
    item = f.service_item(db_session, code="SI-LC-5")
    with pytest.raises(DomainError):
        lifecycle.move(db_session, item, users["contact"], "request_offline", note=" ")
    assert item.lifecycle == "online"


def test_offline_item_is_read_only_leaves_lists_and_keeps_its_data(db_session, users):
    item = f.complete_item(db_session, code="SI-LC-6")
    workflow.submit(db_session, item, users["contact"])
    workflow.approve(db_session, item, users["reviewer"], PASSWORD)
    db_session.commit()
    lifecycle.move(db_session, item, users["contact"], "request_offline", note="业务已取消")
    lifecycle.move(db_session, item, users["reviewer"], "approve_offline")
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


def test_change_request_goes_back_through_development(db_session, users):
    item = f.service_item(db_session, code="SI-LC-7")
    lifecycle.move(db_session, item, users["contact"], "request_change", note="增加审批环节")
    lifecycle.move(db_session, item, users["reviewer"], "approve_change")
    assert item.lifecycle == "in_development"


def test_lifecycle_buttons_on_the_item_page(client_as, db_session):
    item = f.service_item(db_session, code="SI-LC-8", lifecycle="planned")
    db_session.commit()
    client = client_as("contact")
    assert "申请入驻" in client.get(f"/serviceitemview/show/{item.id}").text
    response = client.post(
        f"/workflow/service_item/{item.id}/lifecycle/request_onboarding",
        data={"note": "师生需求强烈"},
    )
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(ServiceItem, item.id).lifecycle == "onboarding_requested"
    page = client_as("reviewer").get(f"/serviceitemview/show/{item.id}").text
    assert "批准入驻" in page and "入驻申请中" in page


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
