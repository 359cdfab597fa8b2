"""The campaign board and the yearly assessment show the service hall's lifecycle per
department: items in each stage, and the onboarding decisions and acceptances overdue, counted
by grouped SQL that agrees with the to-do list's own due-date rule."""

from collections import Counter
from datetime import date, datetime, timedelta

from app.models import ConsoleUser, HallStep
from app.services.access import training
from app.services.access.permissions import TRAINED_ROLES
from app.services.campaign import assessment, board, board_facts
from app.services.review.inbox import add_working_days
from tests import factories as f
from tests.factories import ROLE_USERS


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


def _went_live(session, item, at, since="confirming"):
    session.add(
        HallStep(
            item_id=item.id,
            action="go_live",
            from_state=since,
            to_state="online",
            actor_name="测试",
            at=at,
        )
    )


def hall_year(session):
    """T01 in 2026: HY-1 went live on 05-01 (one node filed, one without any handler), HY-2's
    change went live on 06-01 (not an onboarding; its node filed), HY-3 went live in 2025 and
    is in a change now with its only handler gone; HY-4 is planned with no handler (not live).
    Requests: HY-1's approved and HY-4's pending in 2026, one pending from 2025.
    Training (art. 18): t_procadmin passed on 2026-03-01, t_handler on 2025-12-20 (valid to
    2026-12-20, so due within 30 days of 12-01); T02's t_procadmin2 only failed."""
    one = f.service_item(session, code="HY-1", lifecycle="online")
    f.handler_assignment(session, f.process_node(session, one, name="受理"))
    f.process_node(session, one, name="审批", position=2)
    _went_live(session, one, datetime(2026, 5, 1, 10))
    two = f.service_item(session, code="HY-2", lifecycle="online")
    f.handler_assignment(session, f.process_node(session, two))
    _went_live(session, two, datetime(2026, 6, 1, 10), since="change_confirming")
    three = f.service_item(session, code="HY-3", lifecycle="change_development")
    f.handler_assignment(session, f.process_node(session, three), status="ended")
    _went_live(session, three, datetime(2025, 11, 3, 10))
    four = f.service_item(session, code="HY-4", lifecycle="onboarding_requested")
    f.process_node(session, four)
    f.hall_request(session, one, status="approved", submitted_at=datetime(2026, 2, 1))
    f.hall_request(session, four, status="submitted", submitted_at=datetime(2026, 11, 2))
    f.hall_request(session, three, kind="change", submitted_at=datetime(2025, 12, 30))
    f.training_record(session, username="t_procadmin", session_date=date(2026, 3, 1))
    f.training_record(session, username="t_handler", session_date=date(2025, 12, 20))
    f.training_record(session, username="t_procadmin2", session_date=date(2026, 3, 1), passed=False)
    session.commit()
    return one


def _others_due(session):
    """{department code: n} of the active accounts other tests left holding a trained role
    (the browser tests' directory reviewer keeps its account after its training is gone):
    with no training on record each is due for retraining, and the assessment counts it."""
    fixture = {spec["username"] for spec in ROLE_USERS.values()}
    found = Counter()
    for user in session.query(ConsoleUser).filter(ConsoleUser.username.notin_(fixture)):
        if user.active and user.department and any(r.name in TRAINED_ROLES for r in user.roles):
            found[user.department.code] += 1
    return found


def _hall_figures(row, others=None):
    due = (others or {}).get(row.department.code, 0)
    return (
        row.hall_went_live,
        row.hall_live_unstaffed,
        row.hall_requests,
        row.hall_requests_pending,
        row.hall_trained,
        row.hall_retraining_due - due,
    )


def test_the_assessment_counts_the_years_hall_figures_per_department(db_session):
    """2026 (seen on 12-01): one item onboarded (a change going live is not one), two live
    items with a node lacking a filed handler (HY-1's unstaffed node, HY-3's handler gone; the
    planned HY-4 is not live), two requests of which one pending, two trained holders of which
    t_handler is due for retraining; T02's process administrator holds no passed assessment.
    2025 (seen on its last day): HY-3 onboarded, one request pending, only t_handler trained
    by then and t_procadmin due."""
    today = date(2026, 12, 1)
    hall_year(db_session)
    others = _others_due(db_session)
    rows = {r.department.code: r for r in assessment.assess(db_session, 2026, today=today)}
    assert _hall_figures(rows["T01"], others) == (1, 2, 2, 1, 2, 1)
    assert _hall_figures(rows["T02"], others) == (0, 0, 0, 0, 0, 1)
    due = {d.user.username for d in training.due_for_retraining(db_session, today)}
    assert {"t_handler", "t_procadmin2"} <= due and "t_procadmin" not in due
    past = {r.department.code: r for r in assessment.assess(db_session, 2025, today=today)}
    assert _hall_figures(past["T01"], others) == (1, 2, 1, 1, 1, 1)


def test_the_cached_hall_figures_follow_a_filed_handler_and_a_new_training_record(db_session):
    """The figures are cached under the data stamp: filing the missing handler moves it, and
    the training figures, counted afresh, follow a retraining at once."""
    one = hall_year(db_session)
    today = date(2026, 12, 1)
    first = {r.department.code: r for r in assessment.assess(db_session, 2026, today=today)}
    assert first["T01"].hall_live_unstaffed == 2
    f.handler_assignment(db_session, one.nodes[1], username="t_new")
    f.training_record(db_session, username="t_handler", session_date=date(2026, 11, 20))
    db_session.commit()
    again = {r.department.code: r for r in assessment.assess(db_session, 2026, today=today)}
    assert again["T01"].hall_live_unstaffed == 1
    others = _others_due(db_session)["T01"]
    assert (again["T01"].hall_trained, again["T01"].hall_retraining_due - others) == (2, 0)


def test_the_assessment_page_and_export_label_the_hall_figures(db_session, client_as):
    hall_year(db_session)
    year = datetime.now().year
    page = client_as("leader").get(f"/assessment/?year={year}").text
    for key in ("hall_went_live", "hall_live_unstaffed", "hall_trained", "hall_retraining_due"):
        label = dict(assessment.COLUMNS)[key]
        assert f"<th>{label}</th>" in page
    assert "有环节缺在岗办理人的上线事项数（当前）" in page
