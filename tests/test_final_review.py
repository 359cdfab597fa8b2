"""The final review (notice, phase 4): the IT office submits the finished lists with the
rectification ledger for the 校长办公会; the party & administration office records the decision
(date, minute number, minutes); the approved lists become the 定稿 the public pages show, and
later publications are marked as its revisions."""

import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func

from app.models import AuditEntry, FinalReview
from app.models.base import utcnow
from app.services.errors import DomainError, InvalidTransitionError, PermissionDeniedError
from app.services.publish import final_review, publication
from app.services.review import workflow
from tests import factories as f
from tests.factories import PASSWORD

MINUTES = ("校长办公会纪要.pdf", "application/pdf", b"%PDF-1.4 minutes")


@pytest.fixture
def users(db_session):
    return {role: f.user(db_session, role) for role in f.ROLE_USERS}


def _published(session, users, code="SI-FR-1", days=(-20, -1)):
    item = f.complete_item(session, code=code)
    workflow.submit(session, item, users["contact"])
    workflow.approve(session, item, users["reviewer"], PASSWORD)
    today = utcnow().date()
    pub = publication.publish(
        session,
        users["reviewer"],
        PASSWORD,
        today + timedelta(days=days[0]),
        today + timedelta(days=days[1]),
    )
    session.commit()
    return pub


def test_submission_freezes_the_ledger_and_needs_the_publicity_to_be_over(db_session, users):
    with pytest.raises(DomainError, match="尚未发布"):
        final_review.submit(db_session, users["admin"])
    _published(db_session, users, days=(-1, 5))
    with pytest.raises(DomainError, match="公示结束后"):
        final_review.submit(db_session, users["admin"])
    db_session.rollback()
    pub = _published(db_session, users, code="SI-FR-2")
    f.rectification_task(db_session, title="数据孤岛整改")
    f.rectification_task(db_session, title="已完成整改", task_status="done", closed_at=utcnow())
    review = final_review.submit(db_session, users["admin"], "三类清单及整改台账")
    assert review.publication_id == pub.id and review.status == "submitted"
    assert (review.ledger_total, review.ledger_open) == (2, 1)
    assert {t["title"] for t in final_review.ledger_of(review)} == {"数据孤岛整改", "已完成整改"}
    assert len(review.ledger_hash) == 64
    with pytest.raises(InvalidTransitionError):
        final_review.submit(db_session, users["admin"])  # one review at a time
    for role in ("reviewer", "contact", "leader"):
        with pytest.raises(PermissionDeniedError):
            final_review.submit(db_session, users[role])


def test_the_office_records_the_decision_with_date_minute_and_minutes(db_session, users):
    pub = _published(db_session, users)
    # The audit chain is kept between tests: count this test's entries only.
    audited_before = db_session.query(func.max(AuditEntry.id)).scalar() or 0
    review = final_review.submit(db_session, users["admin"])
    db_session.commit()  # one request, one transaction
    today = utcnow().date()
    for role in ("contact", "leader", "security"):
        with pytest.raises(PermissionDeniedError):
            final_review.decide(db_session, review, users[role], "approved", today, "1", MINUTES)
    with pytest.raises(DomainError) as refused:
        final_review.decide(db_session, review, users["reviewer"], "approved", None, "", None)
    assert all(w in str(refused.value) for w in ("会议日期", "纪要编号", "会议纪要"))
    future = today + timedelta(days=1)
    with pytest.raises(DomainError, match="不能晚于今天"):
        final_review.decide(db_session, review, users["reviewer"], "approved", future, "1", MINUTES)
    with pytest.raises(DomainError, match="审议意见"):
        final_review.decide(db_session, review, users["reviewer"], "returned", today, "2026-9")
    assert final_review.standing(db_session) is None
    final_review.decide(
        db_session, review, users["reviewer"], "approved", today, "校办纪要〔2026〕12 号", MINUTES
    )
    db_session.commit()
    assert final_review.standing(db_session).publication_id == pub.id
    assert final_review.status_of(db_session, pub) == {"final": review}
    with pytest.raises(InvalidTransitionError):
        final_review.decide(
            db_session, review, users["reviewer"], "returned", today, "x", None, "y"
        )
    events = (
        db_session.query(AuditEntry)
        .filter(AuditEntry.record_type == "final_review", AuditEntry.id > audited_before)
        .count()
    )
    assert events == 2


def test_a_returned_review_makes_no_final_version(db_session, users):
    pub = _published(db_session, users)
    review = final_review.submit(db_session, users["admin"])
    final_review.decide(
        db_session, review, users["reviewer"], "returned", date.today(), "13", None, "台账不全"
    )
    assert final_review.standing(db_session) is None
    assert final_review.status_of(db_session, pub) == {}
    assert final_review.submit(db_session, users["admin"]).status == "submitted"  # again


def test_the_public_pages_show_the_final_version_and_mark_later_ones_as_revisions(
    client, client_as, db_session, users
):
    pub = _published(db_session, users)
    office = client_as("admin")
    assert office.post("/final-review/submit", data={"note": "定稿"}).status_code == 302
    review = db_session.query(FinalReview).one()
    reviewer = client_as("reviewer")
    form = {
        "decision": "approved",
        "meeting_date": date.today().isoformat(),
        "minute_no": "校办纪要〔2026〕12 号",
        "attachment": (io.BytesIO(MINUTES[2]), MINUTES[0]),
    }
    response = reviewer.post(
        f"/final-review/{review.id}/decide", data=form, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(FinalReview, review.id).status == "approved"
    page = client.get("/public/").text
    assert "本版清单经校长办公会" in page and "校办纪要〔2026〕12 号" in page
    minutes = reviewer.get(f"/final-review/{review.id}/attachment")
    assert minutes.status_code == 200 and minutes.data == MINUTES[2]
    assert f"现行定稿：第 {pub.number} 版" in client_as("leader").get("/final-review/").text

    later = _published(db_session, users, code="SI-FR-9", days=(-1, 5))
    html = client.get("/public/").text  # the standing standard stays the 定稿
    page = re.sub(r"<[^>]+>", "", html)
    assert f"三类清单（第 {pub.number} 版）" in page and "本版清单经校长办公会" in page
    assert f"此后已发布修订：第 {later.number} 版（修订" in page
    assert f"第 {later.number} 版修订正在公示" in page  # its comments are on its own page
    assert "SI-FR-9" not in html and "SI-FR-1" in html
    revision = client.get(f"/public/versions/{later.number}/").text
    assert f"本版为定稿（第 {pub.number} 版" in revision and "本版清单经校长办公会" not in revision
    assert "SI-FR-9" in revision
    versions = re.sub(r"<[^>]+>", "", client.get("/public/versions/").text)
    assert f"第 {pub.number} 版定稿的修订" in versions and "，现行标准" in versions
    item = client.get("/public/items/SI-FR-1").text
    assert f"清单第 {pub.number} 版" in item and "本版清单经校长办公会" in item
    assert f"/public/items/SI-FR-1?v={later.number}" in item
    added = client.get("/public/items/SI-FR-9").text  # only in the revision: its own sheet
    assert f"清单第 {later.number} 版" in added and "的修订" in added
    revised = client.get(f"/public/items/SI-FR-1?v={later.number}").text
    assert "本版为定稿" in revised and f"/public/items/SI-FR-1?v={pub.number}" in revised


def test_only_the_office_and_the_it_office_reach_the_review_page(client_as, db_session, users):
    assert client_as("contact").get("/final-review/").status_code in (302, 403)
    assert client_as("leader").post("/final-review/submit").status_code in (302, 403)
    assert db_session.query(FinalReview).count() == 0
