"""The review workflow, tested on the services directly and through the pages."""

import json

import pytest

from app.models import AuditEntry, RecordVersion, ReviewDecision, ServiceItem
from app.services.catalog import completeness
from app.services.errors import (
    ConflictError,
    DomainError,
    IncompleteRecordError,
    InvalidTransitionError,
    PermissionDeniedError,
)
from app.services.review import workflow
from app.services.trail.signature import SignatureRefusedError
from tests import factories as f
from tests.factories import PASSWORD


@pytest.fixture
def users(db_session):
    return {role: f.user(db_session, role) for role in f.ROLE_USERS}


def _submitted_item(session, users, code="SI-WF-001"):
    item = f.complete_item(session, code=code)
    workflow.submit(session, item, users["contact"])
    session.commit()
    return item


def test_transition_table_is_the_only_way(db_session, users):
    """Approving a draft, or returning an approved record, is refused."""
    item = f.complete_item(db_session)
    with pytest.raises(InvalidTransitionError):
        workflow.approve(db_session, item, users["reviewer"], PASSWORD)
    workflow.submit(db_session, item, users["contact"])
    workflow.approve(db_session, item, users["reviewer"], PASSWORD)
    with pytest.raises(InvalidTransitionError):
        workflow.return_(db_session, item, users["reviewer"], "再看看", PASSWORD)
    with pytest.raises(InvalidTransitionError):
        workflow.submit(db_session, item, users["contact"])


def test_incomplete_item_is_refused_with_what_is_missing(db_session, users):
    item = f.service_item(db_session, code="SI-WF-INC", conditions="在籍学生")
    with pytest.raises(IncompleteRecordError) as error:
        workflow.submit(db_session, item, users["contact"])
    missing = error.value.missing
    assert "办理路径" in missing and "咨询渠道" in missing and "办理提示" in missing
    assert any("流转环节" in m for m in missing)
    # Real guides publish items without a material list: by the default rule set it is a
    # warning that does not block the submission, not a requirement (completeness_rule.py).
    assert not any("申报材料" in m for m in missing)
    assert any("申报材料" in w for w in completeness.warnings(item))
    assert "办理要件（办理条件）" not in missing
    assert item.status == "draft"


def test_incomplete_system_and_contact_are_refused(db_session, users):
    system = f.information_system(db_session, code="SYS-WF-INC", data_silo=True)
    with pytest.raises(IncompleteRecordError) as error:
        workflow.submit(db_session, system, users["contact"])
    assert "开发承建厂商" in error.value.missing and "问题详情" in error.value.missing
    person = f.contact(db_session)
    with pytest.raises(IncompleteRecordError) as error:
        workflow.submit(db_session, person, users["contact"])
    assert any("职责" in m for m in error.value.missing)


def test_submit_approve_freezes_a_signed_version(db_session, users):
    item = _submitted_item(db_session, users)
    assert item.status == "submitted" and item.submitted_by_id == users["contact"].id
    decision = workflow.approve(db_session, item, users["reviewer"], PASSWORD)
    db_session.commit()
    assert item.status == "approved" and item.approved_version_no == 1
    version = (
        db_session.query(RecordVersion)
        .filter_by(record_type="service_item", record_id=item.id)
        .one()
    )
    snapshot = json.loads(version.snapshot)
    assert snapshot["name"] == item.name and len(snapshot["nodes"]) == 2
    assert snapshot["materials"][0]["name"] == "申请表"
    assert decision.signer_id == users["reviewer"].id
    assert decision.snapshot_hash == version.snapshot_hash and len(decision.signature_hash) == 64
    assert decision.hours_to_decision is not None and not decision.as_admin


def test_wrong_password_does_not_sign(db_session, users):
    item = _submitted_item(db_session, users)
    with pytest.raises(SignatureRefusedError):
        workflow.approve(db_session, item, users["reviewer"], "wrong-password")
    with pytest.raises(SignatureRefusedError):
        workflow.approve(db_session, item, users["reviewer"], "")
    db_session.rollback()
    assert db_session.get(ServiceItem, item.id).status == "submitted"
    assert db_session.query(ReviewDecision).filter_by(record_id=item.id).count() == 0


def test_return_needs_a_comment_and_leads_back_to_draft(db_session, users):
    item = _submitted_item(db_session, users)
    with pytest.raises(DomainError):
        workflow.return_(db_session, item, users["reviewer"], "   ", PASSWORD)
    workflow.return_(db_session, item, users["reviewer"], "办理时限过长，请压缩", PASSWORD)
    assert item.status == "returned" and item.review_comment == "办理时限过长，请压缩"
    workflow.revise(db_session, item, users["contact"])
    assert item.status == "draft"
    workflow.submit(db_session, item, users["contact"])
    assert item.status == "submitted" and item.review_comment is None


def test_withdraw_returns_a_submission_to_draft(db_session, users):
    item = _submitted_item(db_session, users)
    workflow.withdraw(db_session, item, users["contact"])
    assert item.status == "draft"


def test_nobody_approves_what_they_submitted(db_session, users):
    item = f.complete_item(db_session)
    workflow.submit(db_session, item, users["admin"])
    with pytest.raises(PermissionDeniedError):
        workflow.approve(db_session, item, users["admin"], PASSWORD)
    assert "approve" not in workflow.allowed_actions(item, users["admin"])


def test_leader_and_contact_cannot_review(db_session, users):
    item = _submitted_item(db_session, users)
    for role in ("leader", "contact"):
        with pytest.raises(PermissionDeniedError):
            workflow.approve(db_session, item, users[role], PASSWORD)


def test_it_admin_approval_is_marked_as_such(db_session, users):
    item = _submitted_item(db_session, users)
    decision = workflow.approve(db_session, item, users["admin"], PASSWORD)
    db_session.commit()
    assert decision.as_admin
    entry = (
        db_session.query(AuditEntry)
        .filter_by(record_type="service_item", record_id=item.id, action="transition")
        .order_by(AuditEntry.seq.desc())
        .first()
    )
    assert json.loads(entry.changes)["as_admin"] == [None, True]


def test_editing_an_approved_item_keeps_the_published_version(db_session, users):
    from app.services.review import records

    item = _submitted_item(db_session, users)
    workflow.approve(db_session, item, users["reviewer"], PASSWORD)
    db_session.commit()
    item.name = "成绩证明开具（修订）"
    records.before_update(db_session, item, users["contact"])
    db_session.commit()
    assert item.status == "draft" and item.approved_version_no == 1
    published = db_session.query(RecordVersion).filter_by(record_id=item.id, is_current=True).one()
    assert json.loads(published.snapshot)["name"] == "成绩证明开具"
    workflow.submit(db_session, item, users["contact"])
    workflow.approve(db_session, item, users["reviewer"], PASSWORD)
    db_session.commit()
    current = db_session.query(RecordVersion).filter_by(record_id=item.id, is_current=True).one()
    assert current.number == 2 and json.loads(current.snapshot)["name"] == "成绩证明开具（修订）"
    assert db_session.query(RecordVersion).filter_by(record_id=item.id).count() == 2


def test_submitted_record_cannot_be_edited(db_session, users):
    from app.services.review import records

    item = _submitted_item(db_session, users)
    with pytest.raises(PermissionDeniedError):
        records.before_update(db_session, item, users["contact"])


def test_batch_checks_every_record(db_session, users):
    good = f.complete_item(db_session, code="SI-B-1")
    bad = f.service_item(db_session, code="SI-B-2")
    done, refused = workflow.batch(db_session, [good, bad], "submit", users["contact"])
    db_session.commit()
    assert done == [good] and [r for r, _ in refused] == [bad]
    assert "缺少" in refused[0][1]
    assert good.status == "submitted" and bad.status == "draft"
    done, refused = workflow.batch(
        db_session, [good, bad], "approve", users["reviewer"], password=PASSWORD
    )
    db_session.commit()
    assert done == [good] and refused[0][0] is bad


def test_twenty_threads_approving_give_one_approval_and_one_entry(app, db_session, users):
    """Concurrent approvals of one record: exactly one wins, on SQLite and PostgreSQL."""
    import threading

    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from app.extensions import db

    # Twenty sessions at once need twenty connections (the app's pool holds fifteen).
    engine = create_engine(db.engine.url, pool_size=25, max_overflow=0)

    item = _submitted_item(db_session, users, code="SI-RACE")
    before = (
        db_session.query(AuditEntry)
        .filter_by(record_type="service_item", record_id=item.id)
        .count()
    )
    reviewer_id, item_id = users["reviewer"].id, item.id
    results = []
    barrier = threading.Barrier(20)

    def approve():
        with app.app_context(), Session(engine) as session:
            from app.models import ConsoleUser

            reviewer = session.get(ConsoleUser, reviewer_id)
            record = session.get(ServiceItem, item_id)
            barrier.wait(timeout=60)
            try:
                workflow.approve(session, record, reviewer, PASSWORD)
                session.commit()
                results.append("ok")
            except (DomainError, ConflictError):
                session.rollback()
                results.append("refused")
            except Exception as error:
                session.rollback()
                results.append(f"error: {type(error).__name__}")

    threads = [threading.Thread(target=approve) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    engine.dispose()
    assert len(results) == 20 and results.count("ok") == 1, results
    db_session.expire_all()
    assert (
        db_session.query(ReviewDecision).filter_by(record_id=item_id, decision="approved").count()
        == 1
    )
    assert db_session.query(RecordVersion).filter_by(record_id=item_id).count() == 1
    after = (
        db_session.query(AuditEntry)
        .filter_by(record_type="service_item", record_id=item_id)
        .count()
    )
    entries = db_session.query(AuditEntry).filter_by(record_type="service_item", record_id=item_id)
    assert after == before + 1, [(e.seq, e.action, sorted(json.loads(e.changes))) for e in entries]
