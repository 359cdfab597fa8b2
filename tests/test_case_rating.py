"""好差评: the applicant rates a completed case once on GB/T 39734's indicators; a poor rating
opens a rectification task of the item's department, due in 15 working days of the official
calendar, that calls the applicant back; the applicant reads its outcome on the case's page."""

from datetime import date

import pytest

from app.models import AuditEntry, Case, CaseRating, RectificationTask
from app.services.calendar import days
from app.services.cases import rating
from app.services.errors import DomainError, NotFoundError
from app.services.ledger import rectification
from tests import factories as f
from tests.case_helpers import completed_case, live_item

MONDAY = date(2026, 12, 7)
ALL = ("overall", "efficiency", "guide_accuracy", "convenience", "usability")


def _levels(value, **other):
    return {name: other.get(name, value) for name in ALL}


@pytest.fixture(autouse=True)
def _uploads(app, tmp_path):
    saved = app.config.get("INSTANCE_DIR")
    app.config["INSTANCE_DIR"] = str(tmp_path)
    yield
    app.config["INSTANCE_DIR"] = saved


@pytest.fixture
def case(db_session):
    item = live_item(db_session, code="SI-RATE-1")
    return completed_case(
        db_session, item, f.user(db_session, "applicant"), f.user(db_session, "handler")
    )


def test_a_poor_rating_opens_a_ledger_task_of_the_items_department_due_in_15_working_days(
    db_session, case
):
    applicant = f.user(db_session, "applicant")
    row = rating.rate(
        db_session,
        case,
        applicant,
        _levels("satisfied", overall="dissatisfied"),
        "等了很久才办结",
        today=MONDAY,
    )
    db_session.commit()
    assert row.is_poor and row.task is not None
    task = db_session.get(RectificationTask, row.task.id)
    assert task.source == "rating" and task.task_status == "open"
    assert task.department_id == case.department_id == f.department(db_session, "T01").id
    assert task.service_item_id == case.item_id
    # Dec 8-11, 14-18, 21-25 and the 28th: the fifteenth working day after Monday the 7th.
    assert task.deadline == date(2026, 12, 28) == days.add_working_days(MONDAY, 15)
    assert "回访申请人" in task.description and applicant.email in task.description
    assert "整体满意度：不满意" in task.description and "等了很久才办结" in task.description
    entry = (
        db_session.query(AuditEntry)
        .filter_by(record_type="service_case", record_id=case.id, action="case_rate")
        .order_by(AuditEntry.id.desc())  # the chain outlives tests, and ids are reused
        .first()
    )
    assert "不满意" in entry.summary


def test_a_poor_rating_over_national_day_counts_the_official_calendar(db_session, case):
    row = rating.rate(
        db_session,
        case,
        f.user(db_session, "applicant"),
        _levels("very_dissatisfied"),
        "材料被退回三次",
        today=date(2026, 9, 28),
    )
    # Monday to Friday would say 19 October; the National Day holiday moves it to the 23rd.
    assert row.task.deadline == date(2026, 10, 23)


def test_a_good_rating_opens_no_task(db_session, case):
    row = rating.rate(
        db_session, case, f.user(db_session, "applicant"), _levels("very_satisfied"), None
    )
    assert row.task is None and not row.is_poor
    assert rating.outcome(row) is None


def test_a_case_is_rated_once_by_its_applicant_after_completion(db_session, case):
    applicant = f.user(db_session, "applicant")
    assert rating.may_rate(case, applicant) is True
    assert rating.may_rate(case, f.user(db_session, "contact")) is False
    with pytest.raises(NotFoundError):
        rating.rate(
            db_session, case, f.user(db_session, "contact"), _levels("very_satisfied"), None
        )
    rating.rate(db_session, case, applicant, _levels("basic"), "还行")
    assert rating.may_rate(case, applicant) is False
    with pytest.raises(DomainError, match="只能评价一次"):
        rating.rate(db_session, case, applicant, _levels("very_dissatisfied"), "改评差评")
    db_session.commit()
    assert db_session.query(CaseRating).filter_by(case_id=case.id).count() == 1


def test_an_unfinished_case_cannot_be_rated(db_session):
    from app.services.cases import applying

    item = live_item(db_session, code="SI-RATE-2")
    applicant = f.user(db_session, "applicant")
    draft = applying.apply(db_session, item, applicant)
    with pytest.raises(DomainError, match="办结后"):
        rating.rate(db_session, draft, applicant, _levels("very_satisfied"), None)


def test_every_indicator_is_rated_and_a_poor_rating_says_why(db_session, case):
    applicant = f.user(db_session, "applicant")
    with pytest.raises(DomainError, match="办事指南精确度"):
        rating.rate(db_session, case, applicant, _levels("very_satisfied", guide_accuracy=""), None)
    with pytest.raises(DomainError, match="平台操作性"):
        rating.rate(
            db_session, case, applicant, _levels("very_satisfied", usability="excellent"), None
        )
    with pytest.raises(DomainError, match="写明原因"):
        rating.rate(db_session, case, applicant, _levels("dissatisfied"), " ")
    assert case.rating is None


def test_the_applicant_rates_on_the_case_page_and_reads_the_outcome(db_session, client_as, case):
    db_session.commit()
    client = client_as("applicant")
    page = client.get(f"/cases/{case.id}").text
    assert "办件评价" in page and "非常不满意" in page and "平台操作性" in page
    data = _levels("dissatisfied") | {"comment": "窗口说法与办事指南不一致"}
    response = client.post(f"/cases/{case.id}/rate", data=data)
    assert response.status_code == 302
    db_session.expire_all()
    row = db_session.get(Case, case.id).rating
    assert row.overall == "dissatisfied" and row.task is not None
    page = client.get(f"/cases/{case.id}").text
    assert "差评整改" in page and "待整改" in page and "窗口说法与办事指南不一致" in page
    assert row.task.deadline.isoformat() in page
    assert 'name="overall"' not in page  # rated once: no form any more
    again = client.post(
        f"/cases/{case.id}/rate", data=_levels("very_satisfied"), follow_redirects=True
    )
    assert "只能评价一次" in again.text
    # The department's contact keeps the ledger: the task is theirs, and its outcome shows.
    contact = f.user(db_session, "contact")
    task = db_session.get(RectificationTask, row.task.id)
    rectification.move(db_session, task, contact, "start")
    rectification.move(db_session, task, contact, "complete", evidence="已统一窗口口径并回访")
    db_session.commit()
    page = client.get(f"/cases/{case.id}").text
    assert "已完成" in page and "已统一窗口口径并回访" in page
    ledger = client_as("contact").get(f"/rectificationtaskview/show/{task.id}")
    assert ledger.status_code == 200 and "办件差评整改" in ledger.text


def test_the_office_reads_every_rating_and_the_applicant_not_the_list(db_session, client_as, case):
    rating.rate(db_session, case, f.user(db_session, "applicant"), _levels("dissatisfied"), "慢")
    db_session.commit()
    page = client_as("reviewer").get("/caseratingview/list/")
    assert page.status_code == 200 and "不满意" in page.text
    assert str(case.item.name) in page.text
    assert client_as("applicant").get("/caseratingview/list/").status_code in (302, 403)
    assert client_as("contact").get("/caseratingview/list/").status_code in (302, 403)
