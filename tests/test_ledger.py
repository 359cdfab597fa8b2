"""The rectification ledger: status moves, overdue tasks, tasks opened from records (no
duplicates), department scope on pages and exports, and the XLSX export's cells."""

import io
import json
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func

from app.models import AuditEntry, RectificationTask
from app.services.errors import DomainError, InvalidTransitionError, PermissionDeniedError
from app.services.ledger import rectification
from tests import factories as f

TODAY = date.today()


def _task(session, dept="T01", **values):
    values.setdefault("task_status", "open")
    task = f.rectification_task(session, dept=dept, **values)
    # Ids come back after a test's rows are deleted; the audit trail stays: remember where
    # this task's history starts.
    task._audit_from = session.query(func.max(AuditEntry.seq)).scalar() or 0
    return task


def _transitions(session, task):
    rows = (
        session.query(AuditEntry)
        .filter_by(record_type="rectification_task", record_id=task.id, action="transition")
        .filter(AuditEntry.seq > task._audit_from)
        .order_by(AuditEntry.seq)
        .all()
    )
    return [json.loads(row.changes) for row in rows]


# --- status moves ---------------------------------------------------------------------------


def test_postpone_needs_a_reason_and_is_audited(db_session):
    task = _task(db_session, deadline=TODAY + timedelta(days=3))
    contact = f.user(db_session, "contact")
    with pytest.raises(DomainError):
        rectification.move(db_session, task, contact, "postpone", reason="  ")
    assert task.task_status == "open"
    rectification.move(
        db_session,
        task,
        contact,
        "postpone",
        reason="等待厂商排期",
        new_deadline=TODAY + timedelta(days=30),
    )
    db_session.commit()
    assert task.task_status == "postponed"
    assert task.postpone_reason == "等待厂商排期"
    assert task.deadline == TODAY + timedelta(days=30)
    [entry] = _transitions(db_session, task)
    assert entry["task_status"] == ["open", "postponed"]
    assert entry["postpone_reason"] == [None, "等待厂商排期"]


def test_postponing_cannot_bring_the_deadline_forward(db_session):
    task = _task(db_session, deadline=TODAY + timedelta(days=10))
    with pytest.raises(DomainError):
        rectification.move(
            db_session,
            task,
            f.user(db_session, "contact"),
            "postpone",
            reason="x",
            new_deadline=TODAY + timedelta(days=5),
        )


def test_done_needs_evidence_and_records_when(db_session):
    task = _task(db_session)
    reviewer = f.user(db_session, "reviewer")
    rectification.move(db_session, task, reviewer, "start")
    with pytest.raises(DomainError):
        rectification.move(db_session, task, reviewer, "complete", evidence="")
    assert task.task_status == "in_progress" and task.closed_at is None
    rectification.move(
        db_session, task, reviewer, "complete", evidence="已上线统一认证，见验收单 2026-17"
    )
    db_session.commit()
    assert task.task_status == "done" and task.closed_at is not None
    moves = _transitions(db_session, task)
    assert [m["task_status"] for m in moves] == [["open", "in_progress"], ["in_progress", "done"]]
    assert moves[1]["evidence"] == [None, "已上线统一认证，见验收单 2026-17"]


def test_only_moves_in_the_table_are_allowed(db_session):
    task = _task(db_session, task_status="done", evidence="x")
    admin = f.user(db_session, "admin")
    for action in ("postpone", "start", "complete", "resume", "fly"):
        with pytest.raises(InvalidTransitionError):
            rectification.move(db_session, task, admin, action, reason="r", evidence="e")
    assert rectification.allowed_actions(task, admin) == ["reopen"]
    rectification.move(db_session, task, admin, "reopen")
    assert task.task_status == "in_progress" and task.closed_at is None


def test_leaders_only_read_the_ledger(db_session, client_as):
    task = _task(db_session)
    db_session.commit()
    leader = f.user(db_session, "leader")
    with pytest.raises(PermissionDeniedError):
        rectification.move(db_session, task, leader, "start")
    assert rectification.allowed_actions(task, leader) == []
    client = client_as("leader")
    assert client.post(f"/ledger/task/{task.id}/start").status_code == 403
    assert client.get(f"/rectificationtaskview/show/{task.id}").status_code == 200
    db_session.expire_all()
    assert db_session.get(RectificationTask, task.id).task_status == "open"


def test_moves_through_the_task_page(db_session, client_as):
    task = _task(db_session)
    db_session.commit()
    client = client_as("contact")
    page = client.get(f"/rectificationtaskview/show/{task.id}").text
    assert f"/ledger/task/{task.id}/postpone" in page
    response = client.post(f"/ledger/task/{task.id}/postpone", data={"reason": ""})
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(RectificationTask, task.id).task_status == "open"
    client.post(f"/ledger/task/{task.id}/postpone", data={"reason": "经费未到位"})
    db_session.expire_all()
    assert db_session.get(RectificationTask, task.id).task_status == "postponed"


# --- overdue --------------------------------------------------------------------------------


def test_overdue_means_past_deadline_and_not_done(db_session):
    yesterday = TODAY - timedelta(days=1)
    assert _task(db_session, title="a", deadline=yesterday).overdue
    assert _task(db_session, title="b", deadline=yesterday, task_status="in_progress").overdue
    assert _task(
        db_session, title="c", deadline=yesterday, task_status="postponed", postpone_reason="r"
    ).overdue
    assert not _task(
        db_session, title="d", deadline=yesterday, task_status="done", evidence="e"
    ).overdue
    assert not _task(db_session, title="e", deadline=TODAY).overdue
    assert not _task(db_session, title="f", deadline=None).overdue


def test_overdue_tasks_stand_out_and_have_their_own_list(db_session, client_as):
    late = _task(db_session, title="逾期未改的任务", deadline=TODAY - timedelta(days=2))
    _task(db_session, title="按期推进的任务", deadline=TODAY + timedelta(days=2))
    _task(
        db_session,
        title="已完成的旧任务",
        deadline=TODAY - timedelta(days=9),
        task_status="done",
        evidence="e",
    )
    db_session.commit()
    client = client_as("admin")
    page = client.get("/rectificationtaskview/list/").text
    assert page.count("label-danger overdue-badge") == 1
    overdue = client.get("/overduetaskview/list/").text
    assert "逾期未改的任务" in overdue
    assert "按期推进的任务" not in overdue and "已完成的旧任务" not in overdue
    assert f"/overduetaskview/show/{late.id}" in overdue


# --- opening tasks from records -------------------------------------------------------------


def test_open_from_a_system_problem_prefills_and_links(db_session, client_as):
    system = f.complete_system(
        db_session,
        code="SYS-RISK",
        security_risk=True,
        data_silo=True,
        problem_details="弱口令，未做等保测评",
    )
    db_session.commit()
    client = client_as("contact")
    page = client.get(f"/informationsystemview/show/{system.id}").text
    assert f"/ledger/open/system/{system.id}/security_risk" in page
    assert f"/ledger/open/system/{system.id}/data_silo" in page
    response = client.post(f"/ledger/open/system/{system.id}/security_risk")
    assert response.status_code == 302
    task = db_session.query(RectificationTask).one()
    assert response.headers["Location"].endswith(f"/rectificationtaskview/show/{task.id}")
    assert (task.source, task.category, task.information_system_id) == (
        "system",
        "security_risk",
        system.id,
    )
    assert task.title.startswith(system.name) and task.description == "弱口令，未做等保测评"
    assert task.department_id == system.department_id and task.task_status == "open"
    page = client.get(f"/informationsystemview/show/{system.id}").text
    assert f"/rectificationtaskview/show/{task.id}" in page
    assert f"/ledger/open/system/{system.id}/security_risk" not in page


def test_same_source_record_and_kind_opens_one_task(db_session, client_as):
    system = f.complete_system(
        db_session, code="SYS-DUP", security_risk=True, poor_extensibility=True
    )
    db_session.commit()
    contact = f.user(db_session, "contact")
    first = rectification.open_from_system(db_session, contact, system, "security_risk")
    db_session.commit()
    with pytest.raises(rectification.DuplicateTaskError) as refused:
        rectification.open_from_system(db_session, contact, system, "security_risk")
    assert refused.value.task.id == first.id
    client = client_as("reviewer")
    response = client.post(f"/ledger/open/system/{system.id}/security_risk")
    assert response.headers["Location"].endswith(f"/rectificationtaskview/show/{first.id}")
    assert db_session.query(RectificationTask).count() == 1
    rectification.open_from_system(db_session, contact, system, "poor_extensibility")
    assert db_session.query(RectificationTask).count() == 2


def test_a_problem_not_ticked_opens_nothing(db_session):
    system = f.complete_system(db_session, code="SYS-OK")
    with pytest.raises(DomainError):
        rectification.open_from_system(
            db_session, f.user(db_session, "admin"), system, "security_risk"
        )


def test_open_from_an_items_pain_points(db_session, client_as):
    host = f.complete_system(db_session, code="SYS-HOST")
    item = f.complete_item(
        db_session,
        code="SI-PAIN",
        hosting_system=host,
        pain_points="需要线下签字三次",
        suggestions="改为电子签名",
    )
    plain = f.complete_item(db_session, code="SI-PLAIN")
    db_session.commit()
    client = client_as("contact")
    assert (
        f"/ledger/open/item/{item.id}/process"
        in client.get(f"/serviceitemview/show/{item.id}").text
    )
    assert "/ledger/open/item/" not in client.get(f"/serviceitemview/show/{plain.id}").text
    client.post(f"/ledger/open/item/{item.id}/process")
    client.post(f"/ledger/open/item/{item.id}/process")
    task = db_session.query(RectificationTask).one()
    assert (task.source, task.category, task.service_item_id) == ("item", "process", item.id)
    assert task.information_system_id == host.id
    assert task.description == "需要线下签字三次" and task.measure == "改为电子签名"


def test_open_task_for_a_public_comment(db_session):
    """Public comments open tasks through open_task with source 'comment' and their id."""
    reviewer = f.user(db_session, "reviewer")
    dept = f.department(db_session, "T02")
    task = rectification.open_task(
        db_session,
        reviewer,
        source="comment",
        department=dept,
        title="公示意见：成绩证明办理太慢",
        category="process",
        source_ref=41,
    )
    assert task.source_key == "comment:41:process" and task.department_id == dept.id
    with pytest.raises(rectification.DuplicateTaskError):
        rectification.open_task(
            db_session,
            reviewer,
            source="comment",
            department=dept.id,
            title="again",
            category="process",
            source_ref=41,
        )
    other = rectification.open_task(
        db_session,
        reviewer,
        source="comment",
        department=dept,
        title="另一条意见",
        category="process",
        source_ref=42,
    )
    assert other.id != task.id


def test_contact_opens_tasks_only_for_the_own_department(db_session):
    contact = f.user(db_session, "contact")
    with pytest.raises(PermissionDeniedError):
        rectification.open_task(
            db_session,
            contact,
            source="manual",
            department=f.department(db_session, "T02"),
            title="越权",
        )
    other_system = f.complete_system(db_session, code="SYS-T02", dept="T02", security_risk=True)
    from app.services.errors import NotFoundError

    with pytest.raises(NotFoundError):
        rectification.open_from_system(db_session, contact, other_system, "security_risk")


def test_manual_task_from_the_form_is_a_manual_open_task(db_session, client_as):
    client = client_as("contact")
    dept = f.department(db_session)
    response = client.post(
        "/rectificationtaskview/add",
        data={
            "title": "手工登记的问题",
            "department": str(dept.id),
            "category": "other",
            "deadline": (TODAY + timedelta(days=5)).isoformat(),
            "owner": "李老师",
        },
    )
    assert response.status_code == 302
    task = db_session.query(RectificationTask).one()
    assert (task.source, task.task_status, task.source_key) == ("manual", "open", None)


# --- department scope -----------------------------------------------------------------------


def test_another_departments_task_is_404_and_unchanged(db_session, client_as):
    other = _task(db_session, dept="T02", title="别部门的任务")
    db_session.commit()
    client = client_as("contact")
    for method, url, data in (
        ("get", f"/rectificationtaskview/show/{other.id}", None),
        ("post", f"/rectificationtaskview/edit/{other.id}", {"title": "改掉"}),
        ("post", f"/ledger/task/{other.id}/complete", {"evidence": "e"}),
        ("post", f"/ledger/task/{other.id}/start", {}),
    ):
        assert getattr(client, method)(url, data=data).status_code == 404, url
    db_session.expire_all()
    fresh = db_session.get(RectificationTask, other.id)
    assert (fresh.title, fresh.task_status, fresh.version) == ("别部门的任务", "open", 1)


def test_reviewer_updates_any_departments_task(db_session, client_as):
    task = _task(db_session, dept="T02", title="学生处的任务")
    db_session.commit()
    response = client_as("reviewer").post(
        f"/rectificationtaskview/edit/{task.id}",
        data={
            "title": "学生处的任务（已细化）",
            "department": str(task.department_id),
            "category": "process",
            "owner": "王老师",
            "version_seen": str(task.version),
        },
    )
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(RectificationTask, task.id).owner == "王老师"


# --- XLSX export ----------------------------------------------------------------------------


def _sheet(data):
    return load_workbook(io.BytesIO(data)).active


def _rows(ws):
    """Data rows (below the title and header rows) as lists of values."""
    return [list(row) for row in ws.iter_rows(min_row=3, values_only=True)]


def test_export_contains_only_the_own_department(db_session, client_as):
    _task(db_session, dept="T01", title="本部门任务")
    _task(db_session, dept="T02", title="别部门任务")
    db_session.commit()
    response = client_as("contact").get("/ledger/export.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    titles = [row[2] for row in _rows(_sheet(response.data))]
    assert titles == ["本部门任务"]
    everything = [
        row[2] for row in _rows(_sheet(client_as("leader").get("/ledger/export.xlsx").data))
    ]
    assert sorted(everything) == sorted(["别部门任务", "本部门任务"])


def test_export_cells_sorted_by_department_overdue_marked_text_only(db_session, client_as):
    late = TODAY - timedelta(days=3)
    _task(
        db_session,
        dept="T02",
        title='=HYPERLINK("http://x")',
        deadline=late,
        owner="+86",
        description="@SUM(A1)",
    )
    _task(
        db_session, dept="T01", title="按期任务", deadline=TODAY + timedelta(days=9), measure="-1"
    )
    _task(db_session, dept="T01", title="逾期任务", deadline=late)
    db_session.commit()
    response = client_as("admin").get("/ledger/export.xlsx")
    ws = _sheet(response.data)
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    assert ws["A1"].value.startswith("数字化整改台账")
    assert [c.value for c in ws[2]][:3] == ["序号", "所属部门", "整改事项"]
    rows = _rows(ws)
    assert [row[1] for row in rows] == ["测试教务处", "测试教务处", "测试学生处"]
    assert [row[2] for row in rows][:2] == ["逾期任务", "按期任务"]  # by deadline within a dept
    assert [row[10] for row in rows] == ["逾期", None, "逾期"]
    assert rows[0][8].date() == late
    assert rows[2][2] == '\'=HYPERLINK("http://x")'
    assert rows[2][7] == "'+86" and rows[2][5] == "'@SUM(A1)" and rows[1][6] == "'-1"
    for row in ws.iter_rows(min_row=1):
        for cell in row:
            assert cell.data_type != "f", f"{cell.coordinate} is a formula"
    assert ws["C3"].fill.fgColor.rgb.endswith("F8CBAD")  # overdue row highlighted
    assert not ws["C4"].fill.fgColor.rgb.endswith("F8CBAD")
    export = (
        db_session.query(AuditEntry)
        .filter_by(action="export", record_type="rectification_task")
        .order_by(AuditEntry.seq.desc())
        .first()
    )
    assert export is not None and "3" in export.summary


def test_overdue_export_has_only_overdue_tasks(db_session, client_as):
    _task(db_session, title="逾期任务", deadline=TODAY - timedelta(days=1))
    _task(db_session, title="按期任务", deadline=TODAY + timedelta(days=1))
    db_session.commit()
    rows = _rows(_sheet(client_as("contact").get("/ledger/export.xlsx?overdue=1").data))
    assert [row[2] for row in rows] == ["逾期任务"]


def test_ledger_list_and_export_cost_no_query_per_row(db_session, client_as, app, monkeypatch):
    """Statements per page and per export stay the same with 2 or 12 linked tasks."""
    from app.extensions import db
    from tests.helpers import QueryCounter

    # The export writes an audit entry; the periodic chain checkpoint that one in a hundred
    # entries triggers would land in whichever request crosses the mark, so it is off here.
    monkeypatch.setitem(app.config, "AUDIT_CHECKPOINT_EVERY", 0)

    def add(n, start):
        for i in range(start, start + n):
            system = f.complete_system(db_session, code=f"SYS-Q{i}", security_risk=True)
            item = f.complete_item(db_session, code=f"SI-Q{i}", pain_points="慢")
            _task(
                db_session,
                title=f"任务{i}",
                information_system=system,
                service_item=item,
                deadline=TODAY - timedelta(days=1),
            )
        db_session.commit()

    client = client_as("admin")
    counts = []
    for n, start in ((2, 0), (10, 2)):
        add(n, start)
        client.get("/rectificationtaskview/list/")  # warm caches
        with QueryCounter(db.engine) as page:
            assert client.get("/rectificationtaskview/list/").status_code == 200
        with QueryCounter(db.engine) as export:
            assert client.get("/ledger/export.xlsx").status_code == 200
        counts.append((page.count, export.count))
    assert counts[0] == counts[1]


def test_open_and_overdue_are_one_rule_for_python_and_sql(db_session):
    """is_open / is_overdue answer on a task and filter a query with the same result."""
    from sqlalchemy import select

    today = date(2026, 12, 3)
    past, future = today - timedelta(days=1), today + timedelta(days=1)
    tasks = {
        "late": _task(db_session, deadline=past),
        "postponed_late": _task(db_session, deadline=past, task_status="postponed"),
        "done_late": _task(db_session, deadline=past, task_status="done"),
        "not_due": _task(db_session, deadline=future, task_status="in_progress"),
        "no_deadline": _task(db_session, deadline=None),
    }
    db_session.flush()
    ids = {t.id: name for name, t in tasks.items()}

    def names(condition):
        query = select(RectificationTask.id).where(condition, RectificationTask.id.in_(ids))
        return sorted(ids[i] for i in db_session.scalars(query))

    in_python = sorted(n for n, t in tasks.items() if t.is_overdue(today))
    assert in_python == names(RectificationTask.is_overdue(today)) == ["late", "postponed_late"]
    open_in_python = sorted(n for n, t in tasks.items() if t.is_open)
    assert open_in_python == names(RectificationTask.is_open)
    assert "done_late" not in open_in_python and len(open_in_python) == 4
