"""The campaign board and the yearly assessment show the service hall's lifecycle per
department: items in each stage, and the onboarding decisions and acceptances overdue, counted
by grouped SQL that agrees with the to-do list's own due-date rule."""

from datetime import datetime, timedelta

from app.models import HallStep
from app.services.campaign import assessment, board, board_facts
from app.services.review.inbox import add_working_days
from tests import factories as f


def _item(session, code, state, dept="T01", waited=None, now=None):
    item = f.service_item(session, code=code, dept=dept, lifecycle=state)
    if waited is not None:
        session.add(HallStep(item_id=item.id, action="deliver", actor_name="测试", at=now - waited))
    session.flush()
    return item


def test_overdue_in_sql_agrees_with_the_to_do_lists_due_dates(db_session):
    """Waits begun every 7 hours over three weeks, seen on a Monday morning and on a Saturday:
    the SQL count equals the rows for which add_working_days(since, 5) < now."""
    for now in (datetime(2026, 12, 7, 9, 30), datetime(2026, 12, 12, 23, 0)):
        waits = [timedelta(hours=7 * i) for i in range(75)]
        for i, waited in enumerate(waits):
            _item(db_session, f"SI-W-{i:03d}", "acceptance", waited=waited, now=now)
        found = board_facts.hall_progress(db_session, None, now, 5)
        expected = sum(add_working_days(now - w, 5) < now for w in waits)
        assert 0 < expected < len(waits)
        dept = f.department(db_session).id
        assert found[dept]["acceptance_overdue"] == expected
        assert found[dept]["onboarding_overdue"] == 0
        db_session.rollback()


def test_each_department_shows_its_items_per_stage_and_what_is_late(db_session):
    now = datetime(2026, 12, 7, 9, 0)
    late = timedelta(days=20)
    _item(db_session, "SI-P-1", "planned")
    _item(db_session, "SI-P-2", "onboarding_requested", waited=late, now=now)
    _item(db_session, "SI-P-3", "change_requested", waited=timedelta(hours=2), now=now)
    _item(db_session, "SI-P-4", "acceptance", waited=late, now=now)
    _item(db_session, "SI-P-5", "online")
    _item(db_session, "SI-P-6", "change_development")
    _item(db_session, "SI-P-7", "offline", dept="T02")
    progress = board.hall_progress(db_session, now=now)
    t01, t02 = (progress[f.department(db_session, c).id] for c in ("T01", "T02"))
    assert [t01.count(k) for k, _l, _s in board.HALL_COLUMNS] == [1, 1, 1, 0, 3, 0]
    assert (t01.onboarding_overdue, t01.acceptance_overdue) == (1, 1)
    assert t01.in_progress == 2 and t01.overdue == 2
    assert t02.count("offline") == 1 and t02.overdue == 0


def test_the_board_and_the_assessment_pages_show_the_hall_progress(db_session, client_as):
    now = datetime.now()
    _item(db_session, "SI-B-1", "onboarding_requested", waited=timedelta(days=30), now=now)
    _item(db_session, "SI-B-2", "online")
    _item(db_session, "SI-B-3", "online", dept="T02")
    db_session.commit()
    html = client_as("reviewer").get("/board/").text
    assert "网上服务大厅上线进度" in html and "入驻（变更）审批超期" in html
    row = html.split('class="table table-bordered table-condensed board-hall"')[1]
    t01 = row.split('data-department="T01"')[1].split("</tr>")[0]
    assert '<td data-stage="online">1</td>' in t01
    assert '<td data-stage="onboarding_overdue" class="danger">1</td>' in t01

    rows = {r.department.code: r for r in assessment.assess(db_session, now.year, today=now.date())}
    assert (rows["T01"].hall_online, rows["T01"].hall_in_progress) == (1, 1)
    assert rows["T01"].hall_overdue == 1 and rows["T02"].hall_online == 1
    keys = [key for key, _label in assessment.COLUMNS]
    values = rows["T01"].values()
    assert len(values) == len(keys) and values[keys.index("hall_overdue")] == 1
    page = client_as("leader").get(f"/assessment/?year={now.year}").text
    assert "入驻审批或验收超期数（当前）" in page


def test_a_contact_sees_the_hall_progress_of_their_own_department_only(db_session, client_as):
    _item(db_session, "SI-C-1", "online", dept="T02")
    db_session.commit()
    html = client_as("contact").get("/board/").text
    hall = html.split("board-hall")[1].split("</table>")[0]
    assert 'data-department="T01"' in hall and 'data-department="T02"' not in hall


def test_a_node_whose_handler_left_is_flagged_on_the_board_until_a_successor_is_proposed(
    db_session, client_as
):
    item = f.complete_item(db_session, code="SI-HO-1", lifecycle="online")
    item.nodes[1].handling_department = f.department(db_session, "T02")
    db_session.flush()
    left = f.handler_assignment(db_session, item.nodes[1], status="ended")
    f.handler_assignment(db_session, item.nodes[0], username="t_other", status="filed")
    progress = board.hall_progress(db_session, now=datetime(2026, 12, 7, 9))
    t01, t02 = (progress.get(f.department(db_session, c).id) for c in ("T01", "T02"))
    assert t02.handovers == 1 and t01.handovers == 0  # the unit handling the node
    db_session.commit()
    html = client_as("reviewer").get("/board/").text
    hall = html.split("board-hall")[1].split("</table>")[0]
    t02_row = hall.split('data-department="T02"')[1].split("</tr>")[0]
    assert '<td data-stage="handovers" class="danger">1</td>' in t02_row
    f.handler_assignment(db_session, left.node, username="t_new", status="submitted")
    progress = board.hall_progress(db_session, now=datetime(2026, 12, 7, 10))
    t02 = progress.get(f.department(db_session, "T02").id, board.HallProgress())
    assert t02.handovers == 0
