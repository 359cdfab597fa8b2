"""Bad input is refused with a Chinese message and changes nothing; forms and the import share
one rule each; forms propose codes and positions; a department's page lists its records."""

import pytest
from wtforms.validators import ValidationError

from app.models import Contact, InformationSystem, Material, labels
from app.services.errors import DomainError
from app.services.review import records
from tests import factories as f


@pytest.fixture
def users(db_session):
    return {role: f.user(db_session, role) for role in f.ROLE_USERS}


class _Field:
    def __init__(self, data):
        self.data = data


def _refusal(model, column, value):
    for rule in labels.validators(model)[column]:
        try:
            rule(None, _Field(value))
        except ValidationError as error:
            return str(error)
    return None


def test_phone_email_and_go_live_rules_live_on_the_columns(app):
    from datetime import date, timedelta

    with app.test_request_context():
        assert "有效的电话号码" in _refusal(Contact, "phone", "abc")
        assert _refusal(Contact, "phone", "0816-2225202") is None
        assert _refusal(Contact, "phone", "13800001234") is None
        assert _refusal(Contact, "phone", "0816-2225202转8012") is None
        assert "有效的电子邮箱" in _refusal(Contact, "email", "not-an-email")
        assert _refusal(Contact, "email", "zhangsan@college.edu.cn") is None
        future = date.today() + timedelta(days=30)
        assert "不能晚于今天" in _refusal(InformationSystem, "go_live_date", future)
        assert _refusal(InformationSystem, "go_live_date", date(2020, 9, 1)) is None


def test_contact_form_refuses_a_bad_phone_and_email_and_saves_nothing(client_as, db_session):
    response = client_as("contact").post(
        "/contactview/add",
        data={
            "department": str(f.department(db_session).id),
            "name": "王五",
            "phone": "abc",
            "email": "not-an-email",
        },
    )
    assert response.status_code == 200
    assert "有效的电话号码" in response.text and "有效的电子邮箱" in response.text
    assert db_session.query(Contact).filter_by(name="王五").count() == 0


def test_system_form_refuses_invalid_and_future_go_live_dates(client_as, db_session):
    contact = client_as("contact")
    for value, message in (("2030-13-45", "不是有效的日期值"), ("2099-01-01", "不能晚于今天")):
        response = contact.post(
            "/informationsystemview/add",
            data={
                "code": "SYS-BAD-1",
                "name": "某系统",
                "department": str(f.department(db_session).id),
                "go_live_date": value,
            },
        )
        assert response.status_code == 200 and message in response.text, value
    assert db_session.query(InformationSystem).filter_by(code="SYS-BAD-1").count() == 0


def test_a_repeated_material_position_is_refused_as_the_import_refuses_it(db_session, users):
    item = f.complete_item(db_session, code="SI-POS-1")  # 申请表 at 序号 1
    db_session.commit()
    second = Material(item=item, name="成绩单", position=1, form="copy")
    with pytest.raises(DomainError, match="序号 1 已被本事项的“申请表”使用"):
        records.before_create(db_session, second, users["contact"])
    db_session.rollback()


def test_forms_propose_the_next_code_and_position_and_return_to_the_item(client_as, db_session):
    f.service_item(db_session, code="T01-0007")
    item = f.complete_item(db_session, code="T01-0009")
    db_session.commit()
    contact = client_as("contact")
    add = contact.get("/serviceitemview/add").text
    assert 'value="T01-0010"' in add
    page = contact.get(f"/materialview/add?_flt_0_item={item.id}").text
    assert 'name="position"' in page and 'value="2"' in page
    nodes = contact.get(f"/processnodeview/add?_flt_0_item={item.id}").text
    assert 'value="3"' in nodes
    # Opened from a bookmark (no page history), saving returns to the item.
    response = contact.post(
        f"/materialview/add?_flt_0_item={item.id}",
        data={"item": str(item.id), "position": "2", "name": "照片", "form": "copy", "copies": "1"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/serviceitemview/show/{item.id}")


def test_a_department_page_lists_its_contacts_items_and_systems(client_as, db_session):
    f.complete_contact(db_session, dept="T01", name="赵六")
    f.service_item(db_session, code="SI-DEP-1", dept="T01")
    f.complete_system(db_session, code="SYS-DEP-1", dept="T01")
    f.service_item(db_session, code="SI-DEP-2", dept="T02")
    db_session.commit()
    page = client_as("leader").get(f"/departmentview/show/{f.department(db_session).id}").text
    assert "赵六" in page and "SI-DEP-1" in page and "SYS-DEP-1" in page
    assert "SI-DEP-2" not in page
