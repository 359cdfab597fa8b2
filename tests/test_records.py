"""CRUD of every record as the IT administrator, and bad input refused with nothing saved."""

import pytest

from app.models import (
    Campaign,
    CampaignPhase,
    Contact,
    Department,
    InformationSystem,
    Material,
    ProcessNode,
    RectificationTask,
    ServiceItem,
)
from tests import factories as f
from tests.helpers import form_errors


def _dept(session):
    return str(f.department(session).id)


def _item_form(session):
    return {
        "code": "SI-NEW-01",
        "name": "学生请假审批",
        "department": _dept(session),
        "kind": "approval",
        "running_status": "good",
        "user_groups": ["undergraduate"],
        "conditions": "在籍学生",
        "path": "融合门户—应用中心—学生请假",
        "consultation": "学生处 0816-1234567",
        "promised_limit": "3个工作日",
        "service_hours": "工作日 8:30-17:30",
        "tips": "请提前一天申请",
    }


def _system_form(session):
    return {
        "code": "SYS-NEW-01",
        "name": "学工管理系统",
        "department": _dept(session),
        "vendor": "某某科技有限公司",
        "go_live_date": "2021-09-01",
        "build_cost": "120.5",
        "annual_om_cost": "12",
        "daily_active_operations": "800",
        "core_usage_rate": "65",
        "deployment": "local",
        "mobile_adaptation": "partial",
        "portal_integration": "sso",
        "data_silo": "y",
        "problem_details": "与教务系统数据不通",
    }


def _contact_form(session):
    return {
        "department": _dept(session),
        "name": "李明",
        "staff_no": "20190001",
        "post": "科长",
        "phone": "13800000000",
        "email": "liming@example.edu.cn",
        "knows_processes": "y",
        "administers_systems": "y",
    }


def _material_form(session):
    return {
        "position": "1",
        "name": "请假申请表",
        "required": "y",
        "form": "electronic",
        "copies": "1",
    }


def _node_form(session):
    return {
        "position": "1",
        "name": "辅导员审核",
        "kind": "review",
        "handling_department": _dept(session),
        "handling_post": "辅导员",
        "approval_level": "1",
        "time_limit": "1个工作日",
    }


def _task_form(session):
    return {
        "title": "学工系统接入融合门户",
        "department": _dept(session),
        "source": "system",
        "category": "integration",
        "measure": "完成统一认证改造",
        "owner": "王工",
        "deadline": "2026-12-31",
        "task_status": "open",
    }


def _department_form(session):
    return {"code": "D-NEW", "name": "新设研究院", "kind": "unit", "sort_order": "9"}


def _campaign_form(session):
    return {
        "year": "2031",
        "name": "2031年度服务治理",
        "start_date": "2031-07-01",
        "end_date": "2031-12-31",
    }


def _phase_form(session):
    camp = f.campaign(session, year=2032)
    return {
        "campaign": str(camp.id),
        "position": "1",
        "name": "部门自查报送",
        "kind": "self_check",
        "start_date": "2032-07-21",
        "end_date": "2032-09-10",
    }


# route, model, form builder, unique text shown in the list, field edited and its new value,
# parent needed in the add URL (children of a service item are added from its page).
RECORDS = [
    (
        "serviceitemview",
        ServiceItem,
        _item_form,
        "学生请假审批",
        ("name", "学生请假审批（新）"),
        None,
    ),
    (
        "informationsystemview",
        InformationSystem,
        _system_form,
        "学工管理系统",
        ("vendor", "另一家厂商"),
        None,
    ),
    ("contactview", Contact, _contact_form, "李明", ("phone", "13900000000"), None),
    ("materialview", Material, _material_form, "请假申请表", ("notes", "加盖学院公章"), "item"),
    (
        "processnodeview",
        ProcessNode,
        _node_form,
        "辅导员审核",
        ("handling_post", "学院副书记"),
        "item",
    ),
    (
        "rectificationtaskview",
        RectificationTask,
        _task_form,
        "学工系统接入融合门户",
        ("owner", "赵工"),
        None,
    ),
    (
        "departmentview",
        Department,
        _department_form,
        "新设研究院",
        ("leader_in_charge", "张副校长"),
        None,
    ),
    ("campaignview", Campaign, _campaign_form, "2031年度服务治理", ("notes", "按通知执行"), None),
    (
        "campaignphaseview",
        CampaignPhase,
        _phase_form,
        "部门自查报送",
        ("name", "部门自查（延长）"),
        None,
    ),
]


def _add_url(route, parent, session):
    if parent == "item":
        item = f.service_item(session, code="SI-PARENT")
        session.commit()
        return f"/{route}/add?_flt_0_item={item.id}", item
    return f"/{route}/add", None


@pytest.mark.parametrize("route,model,form,shown,edit,parent", RECORDS, ids=[r[0] for r in RECORDS])
def test_admin_creates_lists_edits_and_deletes(
    client_as, db_session, route, model, form, shown, edit, parent
):
    """Every record type goes through add, list, show, edit and delete as the IT admin."""
    client = client_as("admin")
    url, parent_row = _add_url(route, parent, db_session)
    data = form(db_session)
    db_session.commit()
    before = db_session.query(model).count()

    response = client.post(url, data=data)
    assert response.status_code == 302, form_errors(response)
    assert db_session.query(model).count() == before + 1
    row = db_session.query(model).order_by(model.id.desc()).first()
    if parent_row is not None:
        assert row.item_id == parent_row.id
    if hasattr(row, "created_by_id"):
        assert row.created_by.username == f.ROLE_USERS["admin"]["username"]

    listing = client.get(f"/{route}/list/")
    assert listing.status_code == 200 and shown in listing.text
    assert client.get(f"/{route}/show/{row.id}").status_code == 200

    field, value = edit
    edit_data = {k: v for k, v in data.items() if k not in ("campaign",)}
    if parent == "item" or route == "campaignphaseview":
        edit_data.pop("item", None)
    edit_data[field] = value
    version = row.version
    edit_data["version_seen"] = str(version)
    response = client.post(f"/{route}/edit/{row.id}", data=edit_data)
    assert response.status_code == 302, form_errors(response)
    db_session.expire_all()
    row = db_session.get(model, row.id)
    assert getattr(row, field) == value
    assert row.version == version + 1

    pk = row.id
    response = client.post(f"/{route}/delete/{pk}")
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(model, pk) is None


def test_item_user_groups_are_kept_as_codes_and_shown_as_labels(client_as, db_session):
    client = client_as("admin")
    data = _item_form(db_session)
    data["user_groups"] = ["undergraduate", "staff"]
    assert client.post("/serviceitemview/add", data=data).status_code == 302
    item = db_session.query(ServiceItem).filter_by(code="SI-NEW-01").one()
    assert item.user_groups == "staff,undergraduate" or item.user_groups == "undergraduate,staff"
    page = client.get(f"/serviceitemview/show/{item.id}").text
    assert "本科生" in page and "教职工" in page
    assert ">None<" not in page


# Bad input: (route, builder, field overrides, expected Chinese message, model)
BAD_INPUT = [
    ("serviceitemview", _item_form, {"name": ""}, "该字段是必填字段", ServiceItem),
    ("serviceitemview", _item_form, {"tips": "字" * 32768}, "超过 Excel 单元格的上限", ServiceItem),
    ("serviceitemview", _item_form, {"running_status": "broken"}, "不是有效的选择", ServiceItem),
    ("informationsystemview", _system_form, {"build_cost": "-1"}, "不能为负数", InformationSystem),
    (
        "informationsystemview",
        _system_form,
        {"annual_om_cost": "-0.5"},
        "不能为负数",
        InformationSystem,
    ),
    (
        "informationsystemview",
        _system_form,
        {"core_usage_rate": "100.5"},
        "0 到 100",
        InformationSystem,
    ),
    (
        "informationsystemview",
        _system_form,
        {"core_usage_rate": "-1"},
        "0 到 100",
        InformationSystem,
    ),
    ("contactview", _contact_form, {"phone": ""}, "该字段是必填字段", Contact),
    (
        "campaignview",
        _campaign_form,
        {"end_date": "2031-06-30"},
        "结束日期不能早于开始日期",
        Campaign,
    ),
    (
        "campaignphaseview",
        _phase_form,
        {"end_date": "2032-07-01"},
        "结束日期不能早于开始日期",
        CampaignPhase,
    ),
]


@pytest.mark.parametrize(
    "route,form,override,message,model",
    BAD_INPUT,
    ids=[f"{r[0]}-{next(iter(r[2]))}" for r in BAD_INPUT],
)
def test_bad_input_is_refused_with_a_chinese_message(
    client_as, db_session, route, form, override, message, model
):
    client = client_as("admin")
    data = {**form(db_session), **override}
    db_session.commit()
    before = db_session.query(model).count()
    response = client.post(f"/{route}/add", data=data)
    assert response.status_code == 200
    assert any(message in error for error in form_errors(response)), form_errors(response)
    assert db_session.query(model).count() == before


def test_duplicate_item_code_is_refused_and_nothing_saved(client_as, db_session):
    f.service_item(db_session, code="SI-DUP")
    db_session.commit()
    client = client_as("admin")
    data = {**_item_form(db_session), "code": "SI-DUP"}
    response = client.post("/serviceitemview/add", data=data)
    assert response.status_code == 200
    assert "已存在" in " ".join(form_errors(response))
    assert db_session.query(ServiceItem).filter_by(code="SI-DUP").count() == 1
    assert db_session.query(ServiceItem).filter_by(name="学生请假审批").count() == 0


def test_duplicate_code_on_edit_is_refused(client_as, db_session):
    f.service_item(db_session, code="SI-A")
    other = f.service_item(db_session, code="SI-B", name="另一事项")
    db_session.commit()
    client = client_as("admin")
    data = {**_item_form(db_session), "code": "SI-A"}
    response = client.post(f"/serviceitemview/edit/{other.id}", data=data)
    assert response.status_code == 200
    assert "已存在" in " ".join(form_errors(response))
    db_session.expire_all()
    assert db_session.get(ServiceItem, other.id).code == "SI-B"


@pytest.mark.parametrize(
    "constraint,values",
    [
        ("ck_system_build_cost", {"build_cost": -1}),
        ("ck_system_usage_rate", {"core_usage_rate": 101}),
    ],
)
def test_database_refuses_what_the_form_refuses(db_session, constraint, values):
    """The rules hold below the forms too (imports and scripts write through the ORM)."""
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        f.information_system(db_session, **values)
    db_session.rollback()


def test_database_refuses_campaign_ending_before_it_starts(db_session):
    from datetime import date

    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        f.campaign(db_session, year=2040, end_date=date(2040, 1, 1))
    db_session.rollback()


def test_child_added_without_its_item_is_sent_back_to_the_items(client_as):
    response = client_as("admin").get("/materialview/add")
    assert response.status_code == 302
    assert "/serviceitemview/list" in response.headers["Location"]
