"""The findings page: scope per department, opening one ledger task per finding, dismissing
with a reason (audited, shown), the IT office's settings, and the ledger export's section."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func

from app.models import AuditEntry, FindingDismissal, FindingSetting, RectificationTask
from app.services.insight import findings
from tests import factories as f


@pytest.fixture(autouse=True)
def _fresh_cache():
    findings.clear_cache()
    yield
    findings.clear_cache()


def _idle_systems(session):
    """An idle system in each department (findings of one department each)."""
    mine = f.information_system(session, code="S1", name="甲部门闲置系统")
    theirs = f.information_system(
        session, code="S2", name="乙部门闲置系统", dept="T02", annual_om_cost=Decimal("8")
    )
    session.commit()
    return mine, theirs


def _key(session, system):
    return next(
        x.key
        for x in findings.compute(session)
        if x.rule == "idle_system" and x.records[0][1] == system.id
    )


def test_a_contact_sees_only_their_departments_findings(db_session, client_as):
    _idle_systems(db_session)
    page = client_as("contact").get("/findings/?rule=idle_system").get_data(as_text=True)
    assert "甲部门闲置系统" in page and "乙部门闲置系统" not in page
    page = client_as("admin").get("/findings/?rule=idle_system").get_data(as_text=True)
    assert "甲部门闲置系统" in page and "乙部门闲置系统" in page
    # The department filter narrows the college's list.
    t02 = f.department(db_session, "T02").id
    page = client_as("admin").get(f"/findings/?rule=idle_system&department={t02}")
    assert "甲部门闲置系统" not in page.get_data(as_text=True)


def test_a_contact_cannot_act_on_another_departments_finding(db_session, client_as):
    _mine, theirs = _idle_systems(db_session)
    key = _key(db_session, theirs)
    client = client_as("contact")
    assert client.post(f"/findings/open/{key}").status_code in (302, 404)
    client.post(f"/findings/dismiss/{key}", data={"reason": "不需要"})
    db_session.expire_all()
    assert db_session.query(RectificationTask).count() == 0
    assert db_session.query(FindingDismissal).count() == 0


def test_opening_a_task_attaches_the_finding_once(db_session, client_as):
    _mine, theirs = _idle_systems(db_session)
    key = _key(db_session, theirs)
    client = client_as("admin")
    start = db_session.query(func.max(AuditEntry.seq)).scalar() or 0
    bad = client.post(f"/findings/open/{key}", data={"deadline": "明天"}, follow_redirects=True)
    assert "日期格式应为 YYYY-MM-DD" in bad.get_data(as_text=True)
    assert db_session.query(RectificationTask).count() == 0
    response = client.post(
        f"/findings/open/{key}", data={"owner": "王主任", "deadline": "2027-03-31"}
    )
    assert response.status_code == 302 and "/rectificationtaskview/show/" in response.location
    task = db_session.query(RectificationTask).one()
    assert (task.owner, task.deadline.isoformat()) == ("王主任", "2027-03-31")
    assert (task.source, task.source_key, task.category) == ("finding", key, "consolidation")
    assert task.department_id == theirs.department_id
    assert task.information_system_id == theirs.id
    assert "乙部门闲置系统" in task.title and "未承载任何在线服务事项" in task.description
    assert "8.00 万元" in task.measure
    created = (
        db_session.query(AuditEntry)
        .filter_by(record_type="rectification_task", record_id=task.id, action="create")
        .filter(AuditEntry.seq > start)
        .count()
    )
    assert created == 1
    again = client.post(f"/findings/open/{key}")
    assert again.location.endswith(f"/rectificationtaskview/show/{task.id}")
    assert db_session.query(RectificationTask).count() == 1
    page = client.get("/findings/?rule=idle_system").get_data(as_text=True)
    assert f"/rectificationtaskview/show/{task.id}" in page


def test_dismissing_needs_a_reason_is_audited_and_stays_shown(db_session, client_as):
    mine, _theirs = _idle_systems(db_session)
    key = _key(db_session, mine)
    client = client_as("contact")
    start = db_session.query(func.max(AuditEntry.seq)).scalar() or 0
    refused = client.post(f"/findings/dismiss/{key}", data={"reason": "  "}, follow_redirects=True)
    assert "请填写不予整改的理由" in refused.get_data(as_text=True)
    assert db_session.query(FindingDismissal).count() == 0
    client.post(f"/findings/dismiss/{key}", data={"reason": "该系统为等保备案保留"})
    row = db_session.query(FindingDismissal).one()
    assert (row.finding_key, row.rule, row.reason) == (key, "idle_system", "该系统为等保备案保留")
    assert row.dismissed_by.username == "t_contact"
    entry = (
        db_session.query(AuditEntry)
        .filter_by(action="dismiss")
        .filter(AuditEntry.seq > start)
        .one()
    )
    assert entry.record_type == "finding" and entry.department_id == mine.department_id
    assert key in entry.summary
    open_page = client.get("/findings/?rule=idle_system").get_data(as_text=True)
    assert "甲部门闲置系统" not in open_page
    shown = client.get("/findings/?rule=idle_system&state=dismissed").get_data(as_text=True)
    assert "甲部门闲置系统" in shown and "该系统为等保备案保留" in shown
    # A dismissed finding opens no task.
    client_as("admin").post(f"/findings/open/{key}")
    assert db_session.query(RectificationTask).count() == 0


def test_a_leader_reads_findings_but_cannot_act(db_session, client_as):
    mine, _theirs = _idle_systems(db_session)
    client = client_as("leader")
    page = client.get("/findings/").get_data(as_text=True)
    assert "甲部门闲置系统" in page and "finding-open" not in page
    client.post(f"/findings/open/{_key(db_session, mine)}")
    assert db_session.query(RectificationTask).count() == 0


def test_the_it_office_tunes_a_rule_and_bad_json_changes_nothing(db_session, client_as):
    _idle_systems(db_session)
    client = client_as("admin")
    bad = client.post(
        "/findingsettingview/add",
        data={"rule": "limits_exceed", "enabled": "y", "params": '{"slack": 1}'},
        follow_redirects=True,
    )
    assert "没有参数" in bad.get_data(as_text=True)
    assert db_session.query(FindingSetting).count() == 0
    client.post("/findingsettingview/add", data={"rule": "idle_system", "params": ""})
    setting = db_session.query(FindingSetting).one()
    assert setting.enabled is False
    page = client.get("/findings/?rule=idle_system").get_data(as_text=True)
    assert "甲部门闲置系统" not in page
    client_as("contact").post(
        "/findingsettingview/add", data={"rule": "limits_exceed", "params": ""}
    )
    assert db_session.query(FindingSetting).count() == 1


def test_the_ledger_export_carries_the_findings_section(db_session, client_as):
    mine, theirs = _idle_systems(db_session)
    client = client_as("admin")
    client.post(f"/findings/open/{_key(db_session, theirs)}")
    client.post(f"/findings/dismiss/{_key(db_session, mine)}", data={"reason": "保留备查"})
    book = load_workbook(io.BytesIO(client.get("/ledger/export.xlsx").data))
    assert book.sheetnames[-1] == "治理发现"
    rows = [
        [cell.value for cell in row]
        for row in book["治理发现"].iter_rows(min_row=3)
        if row[0].value
    ]
    by_record = {row[4]: row for row in rows}
    assert by_record["乙部门闲置系统"][12] == "待整改"
    assert "乙部门闲置系统" in by_record["乙部门闲置系统"][11]
    assert by_record["甲部门闲置系统"][13] == "保留备查"
    assert by_record["乙部门闲置系统"][9] == 8
    # A contact's export holds only their department's findings.
    book = load_workbook(io.BytesIO(client_as("contact").get("/ledger/export.xlsx").data))
    records = {row[4].value for row in book["治理发现"].iter_rows(min_row=3)}
    assert "乙部门闲置系统" not in records and "甲部门闲置系统" in records


def test_capability_map_lists_systems_with_their_cost(db_session, client_as):
    from app.models import Capability

    repair = Capability(code="repair", name="报修")
    db_session.add(repair)
    a = f.information_system(db_session, code="S1", name="后勤报修", annual_om_cost=Decimal("3"))
    b = f.information_system(db_session, code="S2", name="宿舍报修", dept="T02")
    a.capabilities.append(repair)
    b.capabilities.append(repair)
    db_session.commit()
    page = client_as("reviewer").get("/findings/capabilities").get_data(as_text=True)
    assert "报修" in page and "后勤报修" in page and "宿舍报修" in page and "3.00" in page


def test_a_contact_tags_their_system_with_capabilities_on_its_form(db_session, client_as):
    from app.models import Capability, InformationSystem

    repair = Capability(code="repair", name="报修")
    db_session.add(repair)
    db_session.commit()
    data = {
        "code": "SYS-NEW-01",
        "name": "后勤报修系统",
        "department": str(f.department(db_session).id),
        "portal_integration": "sso",
        "capabilities": str(repair.id),
    }
    client = client_as("contact")
    response = client.post("/informationsystemview/add", data=data)
    assert response.status_code == 302
    system = db_session.query(InformationSystem).filter_by(code="SYS-NEW-01").one()
    assert [c.code for c in system.capabilities] == ["repair"]
    data.update(capabilities=[], version_seen=str(system.version), name="后勤报修平台")
    response = client.post(f"/informationsystemview/edit/{system.id}", data=data)
    assert response.status_code == 302
    db_session.expire_all()
    system = db_session.get(InformationSystem, system.id)
    assert system.capabilities == [] and system.name == "后勤报修平台"
