"""The hall's technical emergency plan and its drills (measures art. 4(2)⑤): kept by the IT
office with dates and findings; a drill's findings open one rectification task."""

import pytest

from app.models import HallDrill, RectificationTask
from app.services.errors import DomainError, PermissionDeniedError
from app.services.ledger import drills
from tests import factories as f


def _drill(session, **values):
    return f.hall_drill(session, **values)


def test_a_drills_findings_open_one_ledger_task_of_the_responsible_department(db_session):
    admin = f.user(db_session, "admin")
    drill = _drill(db_session, findings="备用库切换超过 30 分钟\n\n值班电话无人接听")
    with pytest.raises(DomainError, match="责任部门"):
        drills.open_task(db_session, drill, admin)
    drill.department = f.department(db_session, "T02")
    with pytest.raises(PermissionDeniedError):
        drills.open_task(db_session, drill, f.user(db_session, "reviewer"))
    task = drills.open_task(db_session, drill, admin)
    assert (task.source, task.department.code, drill.task_id) == ("drill", "T02", task.id)
    assert task.description == "备用库切换超过 30 分钟\n值班电话无人接听"
    with pytest.raises(DomainError, match="已生成"):
        drills.open_task(db_session, drill, admin)
    assert db_session.query(RectificationTask).count() == 1


def test_a_plan_or_a_drill_without_findings_opens_nothing(db_session):
    admin = f.user(db_session, "admin")
    plan = _drill(db_session, kind="plan", findings="x", department=f.department(db_session))
    with pytest.raises(DomainError, match="只有应急演练"):
        drills.open_task(db_session, plan, admin)
    empty = _drill(db_session, findings="  \n", department=f.department(db_session))
    with pytest.raises(DomainError, match="发现的问题"):
        drills.open_task(db_session, empty, admin)
    assert db_session.query(RectificationTask).count() == 0


def test_the_it_office_records_a_drill_and_opens_its_task_from_the_page(client_as, db_session):
    admin = client_as("admin")
    response = admin.post(
        "/halldrillview/add",
        data={
            "kind": "drill",
            "title": "断网应急演练",
            "held_on": "2026-11-25",
            "findings": "线下预案未张贴",
            "department": str(f.department(db_session).id),
        },
    )
    assert response.status_code == 302
    drill = db_session.query(HallDrill).filter_by(title="断网应急演练").one()
    assert "按发现的问题生成整改任务" in admin.get(f"/halldrillview/show/{drill.id}").text
    assert admin.post(f"/halldrillview/tasks/{drill.id}").status_code == 302
    db_session.expire_all()
    assert db_session.get(HallDrill, drill.id).task.source == "drill"
    assert client_as("contact").get(f"/halldrillview/show/{drill.id}").status_code in (302, 403)
