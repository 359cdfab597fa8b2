"""The lists a reviewer and a leader filter: by department, by lifecycle, by 待我处理; the
inbox and the comment moderation page filter and page."""

import pytest

from app.services.review import records, workflow
from tests import factories as f


@pytest.fixture
def users(db_session):
    return {role: f.user(db_session, role) for role in f.ROLE_USERS}


def _items(db_session, users):
    ours = f.complete_item(db_session, code="SI-FLT-1", dept="T01")
    theirs = f.complete_item(db_session, code="SI-FLT-2", dept="T02", running_status="deploy")
    records.before_create(db_session, theirs, users["contact_other"])
    f.complete_item(db_session, code="SI-FLT-3", dept="T01")
    db_session.commit()
    workflow.submit(db_session, ours, users["contact"])
    db_session.commit()
    return ours, theirs


def test_item_list_filters_by_department_lifecycle_and_waiting_for_me(client_as, db_session, users):
    _ours, theirs = _items(db_session, users)
    leader = client_as("leader")
    page = leader.get(f"/serviceitemview/list/?_flt_0_department={theirs.department_id}").text
    assert "SI-FLT-2" in page and "SI-FLT-1" not in page and "SI-FLT-3" not in page
    page = leader.get("/serviceitemview/list/?_flt_0_lifecycle=planned").text
    assert "SI-FLT-2" in page and "SI-FLT-1" not in page
    # The bar offers the departments and lifecycles by name and keeps the choice.
    assert 'name="_flt_0_department"' in page and "测试学生处" in page
    assert '<option value="planned" selected>' in page
    reviewer = client_as("reviewer").get("/serviceitemview/list/?_flt_2_status=1").text
    assert "SI-FLT-1" in reviewer and "SI-FLT-3" not in reviewer  # submitted only
    contact = client_as("contact").get("/serviceitemview/list/?_flt_2_status=1").text
    assert "SI-FLT-3" in contact and "SI-FLT-1" not in contact  # drafts of T01 only
    assert "SI-FLT-2" not in contact
    # A contact sees one department: no department choice to make.
    assert 'name="_flt_0_department"' not in contact


def test_system_and_contact_lists_filter_by_department(client_as, db_session):
    f.complete_system(db_session, code="SYS-FLT-1", dept="T01")
    f.complete_system(db_session, code="SYS-FLT-2", dept="T02")
    f.complete_contact(db_session, dept="T01", name="张一")
    f.complete_contact(db_session, dept="T02", name="李二")
    db_session.commit()
    t02 = f.department(db_session, "T02").id
    leader = client_as("leader")
    page = leader.get(f"/informationsystemview/list/?_flt_0_department={t02}").text
    assert "SYS-FLT-2" in page and "SYS-FLT-1" not in page
    page = leader.get(f"/contactview/list/?_flt_0_department={t02}").text
    assert "李二" in page and "张一" not in page


def test_inbox_filters_by_kind_department_and_overdue_and_pages(client_as, db_session, users):
    from app.models import ServiceItem

    for n in range(23):
        item = f.complete_item(db_session, code=f"SI-INB-{n:02d}", dept="T01" if n else "T02")
        db_session.commit()
        workflow.submit(db_session, item, users["contact" if n else "contact_other"])
    db_session.commit()
    system = f.complete_system(db_session, code="SYS-INB-1")
    db_session.commit()
    workflow.submit(db_session, system, users["contact"])
    db_session.commit()
    reviewer = client_as("reviewer")
    first = reviewer.get("/workflow/inbox/").text
    assert "共 24 条" in first and "第 1 / 2 页，共 24 条" in first
    assert first.count('name="rowid"') == 20
    second = reviewer.get("/workflow/inbox/?page=2").text
    assert second.count('name="rowid"') == 4
    systems = reviewer.get("/workflow/inbox/?kind=information_system").text
    assert "共 1 条" in systems and "SI-INB-" not in systems
    t02 = f.department(db_session, "T02").id
    theirs = reviewer.get(f"/workflow/inbox/?department={t02}").text
    assert "SI-INB-00" in theirs and "SI-INB-01" not in theirs
    assert "测试t_contact2" in theirs  # the submitter by name
    late = db_session.query(ServiceItem).filter_by(code="SI-INB-05").one()
    late.submitted_at = late.submitted_at.replace(year=late.submitted_at.year - 1)
    db_session.commit()
    overdue = reviewer.get("/workflow/inbox/?overdue=1").text
    assert "SI-INB-05" in overdue and "共 1 条" in overdue


def test_comment_moderation_filters_by_state_and_text_and_pages(client_as, db_session, users):
    from datetime import timedelta

    from app.models import PublicComment
    from app.models.base import utcnow
    from app.services.publish import publication
    from tests.factories import PASSWORD

    item = f.complete_item(db_session, code="SI-CMT-1")
    db_session.commit()
    workflow.submit(db_session, item, users["contact"])
    workflow.approve(db_session, item, users["reviewer"], PASSWORD)
    db_session.commit()
    today = utcnow().date()
    pub = publication.publish(
        db_session, users["reviewer"], PASSWORD, today - timedelta(days=1), today
    )
    for n in range(25):
        db_session.add(
            PublicComment(
                publication_id=pub.id,
                body=f"意见{n:02d}" + ("，电话打不通" if n == 3 else ""),
                reply="已处理" if n % 5 == 0 else None,
            )
        )
    db_session.commit()
    reviewer = client_as("reviewer")
    page = reviewer.get("/publication/comments/").text
    assert "共 25 条" in page and "第 1 / 2 页" in page
    assert "意见24" in page and "意见00" not in page  # newest first
    assert "意见00" in reviewer.get("/publication/comments/?page=2").text
    answered = reviewer.get("/publication/comments/?state=answered").text
    assert "共 5 条" in answered and "意见01" not in answered
    assert "共 20 条" in reviewer.get("/publication/comments/?state=open").text
    found = reviewer.get("/publication/comments/?q=电话").text
    assert "共 1 条" in found and "意见03" in found
