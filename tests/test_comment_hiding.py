"""Public comments the office hides: a reason is required, both hiding and unhiding are in the
audit log, only holders of the answer_comments action may do it, and the public page shows
"该意见已被隐藏" with the time instead of the text."""

from datetime import timedelta

import pytest
from sqlalchemy import func

from app.models import AuditEntry, PublicComment
from app.models.base import utcnow
from app.services.access import permissions
from app.services.errors import DomainError, PermissionDeniedError
from app.services.publish import comments, publication
from app.services.review import workflow
from tests import factories as f
from tests.factories import PASSWORD

TEXT = "某某老师办事态度差，电话 13800000000"


@pytest.fixture
def comment(db_session):
    """A comment on an item of a publication whose publicity window is open."""
    users = {role: f.user(db_session, role) for role in f.ROLE_USERS}
    item = f.complete_item(db_session, code="SI-HIDE")
    workflow.submit(db_session, item, users["contact"])
    workflow.approve(db_session, item, users["reviewer"], PASSWORD)
    db_session.commit()
    today = utcnow().date()
    pub = publication.publish(
        db_session, users["reviewer"], PASSWORD, today - timedelta(days=1), today + timedelta(1)
    )
    row = comments.add_comment(db_session, pub, TEXT, item_code=item.code)
    db_session.commit()
    # The audit log outlives each test (nobody deletes from it) and ids are reused: remember
    # where this test's entries begin.
    row.audit_from = db_session.query(func.max(AuditEntry.seq)).scalar() or 0
    return row


def _entries(session, comment):
    session.expire_all()
    return (
        session.query(AuditEntry)
        .filter_by(record_type="public_comment", record_id=comment.id)
        .filter(AuditEntry.seq > comment.audit_from)
        .order_by(AuditEntry.seq)
        .all()
    )


def _audit(session, comment):
    return [(e.action, e.summary, e.username) for e in _entries(session, comment)]


def test_office_hides_with_a_reason_and_the_public_page_says_so(client, client_as, comment):
    office = client_as("reviewer")
    assert TEXT in client.get("/public/items/SI-HIDE").text
    page = office.get("/publication/comments/").text
    assert f"/publication/comments/{comment.id}/hide" in page and 'name="reason"' in page

    response = office.post(
        f"/publication/comments/{comment.id}/hide", data={"reason": "含个人信息"}
    )
    assert response.status_code == 302
    for url in ("/public/items/SI-HIDE", "/public/"):
        public = client.get(url).text
        assert "该意见已被隐藏" in public, url
        assert TEXT not in public and "13800000000" not in public and "含个人信息" not in public
    page = office.get("/publication/comments/").text
    assert "已隐藏" in page and "含个人信息" in page and TEXT in page, "the office still reads it"


def test_hiding_needs_a_reason_and_changes_nothing_without_one(client_as, db_session, comment):
    office = client_as("reviewer")
    response = office.post(
        f"/publication/comments/{comment.id}/hide", data={"reason": "  "}, follow_redirects=True
    )
    assert "请填写隐藏原因" in response.text
    db_session.expire_all()
    assert not db_session.get(PublicComment, comment.id).is_hidden
    assert _audit(db_session, comment) == []


def test_hiding_and_unhiding_are_audited_and_reversible(client, client_as, db_session, comment):
    office = client_as("admin")
    office.post(f"/publication/comments/{comment.id}/hide", data={"reason": "重复提交"})
    db_session.expire_all()
    stored = db_session.get(PublicComment, comment.id)
    assert stored.is_hidden and stored.hidden_reason == "重复提交"
    assert stored.hidden_by_id == f.user(db_session, "admin").id

    response = office.post(f"/publication/comments/{comment.id}/unhide")
    assert response.status_code == 302
    db_session.expire_all()
    stored = db_session.get(PublicComment, comment.id)
    assert not stored.is_hidden and stored.hidden_reason is None
    assert TEXT in client.get("/public/items/SI-HIDE").text
    assert _audit(db_session, comment) == [
        ("update", f"隐藏公示意见 {comment.id}", "t_admin"),
        ("update", f"取消隐藏公示意见 {comment.id}", "t_admin"),
    ]
    assert "重复提交" in _entries(db_session, comment)[0].changes


@pytest.mark.parametrize("role", ["contact", "leader"])
def test_only_holders_of_answer_comments_may_hide(client_as, db_session, comment, role):
    assert not permissions.can(f.user(db_session, role), "answer_comments")
    response = client_as(role).post(
        f"/publication/comments/{comment.id}/hide", data={"reason": "不想看到"}
    )
    assert response.status_code in (302, 403)
    db_session.expire_all()
    assert not db_session.get(PublicComment, comment.id).is_hidden
    with pytest.raises(PermissionDeniedError):
        comments.hide_comment(db_session, comment.id, f.user(db_session, role), "不想看到")
    db_session.rollback()


def test_hiding_twice_or_unhiding_a_shown_comment_is_refused(db_session, comment):
    reviewer = f.user(db_session, "reviewer")
    with pytest.raises(DomainError, match="未被隐藏"):
        comments.unhide_comment(db_session, comment.id, reviewer)
    comments.hide_comment(db_session, comment.id, reviewer, "广告")
    with pytest.raises(DomainError, match="已被隐藏"):
        comments.hide_comment(db_session, comment.id, reviewer, "广告")
    db_session.rollback()
