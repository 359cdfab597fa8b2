"""The yearly assessment: every figure against numbers computed by hand, the ranking, the XLSX
export's cells, and who may see it."""

import io
from datetime import date, datetime, timedelta
from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy import text

from app.models import ReviewDecision
from app.services.campaign import assessment
from tests import factories as f


def decision(session, dept, submitted, signed, record_id, decided="approved"):
    reviewer = f.user(session, "reviewer")
    session.add(
        ReviewDecision(
            record_type="service_item",
            record_id=record_id,
            department_id=f.department(session, dept).id,
            decision=decided,
            submitted_at=submitted,
            signed_at=signed,
            signer_id=reviewer.id,
            signer_name="审核员",
            snapshot_hash="0" * 64,
            signature_hash="0" * 64,
        )
    )


TODAY = date(2026, 12, 1)


def small_year(session, review_delay=timedelta(days=1)):
    """T01: items 良好, 良好, 待改进 (+ an offline 良好 one, left out); 2026 submissions on
    03-02 (approved), on the notice's submission deadline 09-10 at 23:00 (returned) and on 09-11
    (late, approved), each decided `review_delay` later, and one from 2025; tasks created in
    2026: done on its deadline day, done a day late, open past its deadline, postponed to 2027
    (not due), plus a 2025 one without deadline; systems with O&M 10 万元/500 ops, 5 万元/250 ops
    and 3 万元 with no activity figure.
    T02: one 良好 item, one system of 2 万元/100 ops, nothing else."""
    f.service_item(session, code="AS-1", running_status="good")
    f.service_item(session, code="AS-2", running_status="good")
    f.service_item(session, code="AS-3", running_status="improve")
    f.service_item(session, code="AS-4", running_status="good", lifecycle="offline")
    f.service_item(session, code="AS-5", dept="T02", running_status="good")
    for record_id, (submitted, decided) in enumerate(
        (
            (datetime(2026, 3, 2, 9), "approved"),
            (datetime(2026, 9, 10, 23), "returned"),
            (datetime(2026, 9, 11, 9), "approved"),
        ),
        1,
    ):
        decision(session, "T01", submitted, submitted + review_delay, record_id, decided)
    decision(session, "T01", datetime(2025, 12, 1, 9), datetime(2025, 12, 1, 10), 4)
    created, due = datetime(2026, 4, 1), date(2026, 5, 1)
    for status, deadline, closed in (
        ("done", due, datetime(2026, 5, 1, 15)),
        ("done", due, datetime(2026, 5, 2, 9)),
        ("open", date(2026, 6, 1), None),
        ("postponed", date(2027, 1, 31), None),
    ):
        f.rectification_task(
            session, task_status=status, created_at=created, deadline=deadline, closed_at=closed
        )
    f.rectification_task(session, task_status="done", created_at=datetime(2025, 5, 1))
    f.information_system(
        session, code="AS-S1", annual_om_cost=Decimal("10"), daily_active_operations=500
    )
    f.information_system(
        session, code="AS-S2", annual_om_cost=Decimal("5"), daily_active_operations=250
    )
    f.information_system(session, code="AS-S3", annual_om_cost=Decimal("3"))
    f.information_system(
        session, code="AS-S4", dept="T02", annual_om_cost=Decimal("2"), daily_active_operations=100
    )
    session.commit()


def by_code(rows):
    return {row.department.code: row for row in rows}


def test_each_figure_matches_the_hand_computation(db_session):
    """online-ready 2/3; submitted on time 2/3 (by the end of 09-10), passed first time 2/3
    (one return), ledger tasks closed on time 1/3 (the postponed one is not due yet), so the
    on-time rate is (2/3 + 2/3 + 1/3) / 3 = 5/9; closure 2/4; cost (10+5) 万元 / 750 ops =
    200 元; score (2/3 + 5/9 + 1/2) / 3."""
    small_year(db_session)
    a = by_code(assessment.assess(db_session, 2026, today=TODAY))["T01"]
    assert (a.items, a.good_items, a.online_ready_rate) == (3, 2, 2 / 3)
    assert (a.submissions, a.submitted_on_time, a.submission_rate) == (3, 2, 2 / 3)
    assert (a.decisions, a.returns, a.first_pass_rate) == (3, 1, 2 / 3)
    assert (a.tasks_due, a.tasks_on_time, a.task_on_time_rate) == (3, 1, 1 / 3)
    assert abs(a.on_time_rate - 5 / 9) < 1e-9
    assert (a.tasks, a.tasks_done, a.closure_rate) == (4, 2, 0.5)
    assert (a.om_cost, a.daily_active, a.cost_per_active) == (Decimal("15"), 750, 200)
    assert abs(a.score - 100 * (2 / 3 + 5 / 9 + 1 / 2) / 3) < 1e-9


def test_the_reviewers_speed_does_not_change_a_departments_rates(db_session):
    """The same submissions decided after one hour or after three weeks rate the department
    the same: only its own submission times, returns and tasks count."""
    rates = []
    for delay in (timedelta(hours=1), timedelta(days=21)):
        small_year(db_session, review_delay=delay)
        a = by_code(assessment.assess(db_session, 2026, today=TODAY))["T01"]
        rates.append((a.on_time_rate, a.score))
        for table in ("review_decision", "rectification_task", "service_item"):
            db_session.execute(text(f"DELETE FROM {table}"))
        db_session.execute(text("DELETE FROM information_system"))
        db_session.commit()
    assert rates[0] == rates[1]


def test_a_campaigns_submission_phase_sets_the_deadline(db_session):
    """With a 2026 campaign whose 部门自查报送 phase ends 09-11, the 09-11 submission is on time."""
    camp = f.campaign(db_session, year=2026)
    phase = f.campaign_phase(db_session, camp, name="部门自查报送", end_date=date(2026, 9, 11))
    phase.kind = "self_check"
    small_year(db_session)
    a = by_code(assessment.assess(db_session, 2026, today=TODAY))["T01"]
    assert (a.submissions, a.submitted_on_time) == (3, 3)


def test_missing_rates_are_left_out_of_the_score_and_ranking_is_by_score(db_session):
    """T02 has only its online-ready rate (1): score 100, ranked above T01 (57.4)."""
    small_year(db_session)
    rows = assessment.assess(db_session, 2026, today=TODAY)
    b = by_code(rows)["T02"]
    assert (b.on_time_rate, b.closure_rate, b.first_pass_rate) == (None, None, None)
    assert b.score == 100 and b.cost_per_active == 200
    assert [r.rank for r in rows] == list(range(1, len(rows) + 1))
    assert by_code(rows)["T02"].rank == 1 and by_code(rows)["T01"].rank == 2


def test_ties_are_broken_by_first_passes_then_cost(db_session):
    """Equal scores: the department returned less often ranks first; then the cheaper one."""
    f.service_item(db_session, code="TIE-1", running_status="good")
    f.service_item(db_session, code="TIE-2", dept="T02", running_status="good")
    f.information_system(
        db_session, code="TIE-S1", annual_om_cost=Decimal("10"), daily_active_operations=100
    )
    f.information_system(
        db_session,
        code="TIE-S2",
        dept="T02",
        annual_om_cost=Decimal("2"),
        daily_active_operations=100,
    )
    db_session.commit()
    rows = by_code(assessment.assess(db_session, 2026, today=TODAY))
    assert rows["T01"].score == rows["T02"].score == 100
    assert rows["T02"].rank < rows["T01"].rank


def test_export_cells_hold_the_figures(db_session, client_as):
    """The XLSX export (SheetWriter) has a title row, a header row and one row per department
    with the figures in percent, hours and yuan."""
    small_year(db_session)
    response = client_as("leader").get("/assessment/export.xlsx?year=2026")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet["A1"].value == "2026 年度部门网上办事考核评价"
    header = [c.value for c in sheet[2]]
    assert header[:5] == ["排名", "部门", "服务事项数", "良好事项数", "上线就绪率（%）"]
    rows = {r[1]: r for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert list(rows["测试教务处"]) == [
        2,
        "测试教务处",
        3,
        2,
        66.7,
        3,
        2,
        3,
        1,
        66.7,
        3,
        1,
        55.6,
        4,
        2,
        50,
        15,
        750,
        200,
        3,  # on the hall now: AS-1 to AS-3 online (AS-4 is offline), none on the way online
        0,  # and none overdue (tests/test_hall_progress.py counts every stage)
        0,
        0,  # none went live this year, none live without a filed handler,
        0,
        0,  # no lifecycle request,
        0,
        0,  # and its process administrator and handler hold no passed assessment: both due
        2,
        57.4,
    ]
    assert list(rows["测试学生处"])[:5] == [1, "测试学生处", 1, 1, 100]


def test_assessment_page_ranks_departments_and_contacts_may_not_see_it(db_session, client_as):
    """The reviewer sees the ranked table; a contact is refused (it compares departments)."""
    small_year(db_session)
    html = client_as("reviewer").get("/assessment/?year=2026").text
    assert html.index('data-department="T02"') < html.index('data-department="T01"')
    assert "55.6" in html and "57.4" in html
    assert client_as("contact").get("/assessment/").status_code == 403
    assert client_as("contact").get("/assessment/export.xlsx").status_code == 403
    assert client_as("reviewer").get("/assessment/?year=abc").status_code == 400
