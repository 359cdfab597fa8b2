"""The cases' pages: applying from the service list with an upload, 我的办件 with progress,
the handler's 待办 with due dates, and the signed decision on a case's page."""

import io

import pytest

from app.models import Case
from tests.case_helpers import PDF, live_item
from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def _uploads(app, tmp_path):
    saved = app.config.get("INSTANCE_DIR")
    app.config["INSTANCE_DIR"] = str(tmp_path)
    yield
    app.config["INSTANCE_DIR"] = saved


def test_an_applicant_applies_uploads_submits_and_a_handler_approves(db_session, client_as):
    item = live_item(db_session)
    db_session.commit()
    applicant = client_as("contact")
    page = applicant.get("/cases/")
    assert page.status_code == 200 and item.name in page.text
    response = applicant.post(f"/cases/apply/{item.id}")
    assert response.status_code == 302
    case = db_session.query(Case).one()
    edit = applicant.get(f"/cases/{case.id}/edit")
    assert "在籍学生" in edit.text and "申请表" in edit.text
    response = applicant.post(
        f"/cases/{case.id}/edit",
        data={
            "action": "submit",
            "conditions_confirmed": "y",
            "note": "请开具证明",
            f"material_{item.materials[0].id}": (io.BytesIO(PDF), "申请表.pdf", "application/pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db_session.expire_all()
    case = db_session.get(Case, case.id)
    assert case.status == "submitted" and case.files[0].filename == "申请表.pdf"
    mine = applicant.get("/cases/mine")
    assert "受理" in mine.text and "测试办理人" in mine.text
    handler = client_as("handler")
    inbox = handler.get("/cases/inbox")
    assert inbox.status_code == 200 and item.name in inbox.text
    task = case.tasks[0]
    assert handler.get(f"/cases/{case.id}").status_code == 200
    response = handler.post(
        f"/cases/task/{task.id}/approve", data={"password": PASSWORD, "comment": "同意受理"}
    )
    assert response.status_code == 302
    db_session.expire_all()
    case = db_session.get(Case, case.id)
    assert case.status == "in_progress"
    shown = applicant.get(f"/cases/{case.id}")
    assert "同意受理" in shown.text and "部门审核" in shown.text
    download = applicant.get(f"/cases/file/{case.files[0].id}")
    assert download.data == PDF


def test_a_file_that_lies_about_its_type_is_refused_on_the_page(db_session, client_as):
    item = live_item(db_session)
    db_session.commit()
    applicant = client_as("contact")
    applicant.post(f"/cases/apply/{item.id}")
    case = db_session.query(Case).one()
    response = applicant.post(
        f"/cases/{case.id}/edit",
        data={
            "action": "save",
            f"material_{item.materials[0].id}": (io.BytesIO(b"MZ\x90"), "a.pdf", "application/pdf"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "内容与其类型不符" in response.text
    db_session.expire_all()
    assert db_session.get(Case, case.id).files == []


def test_others_cannot_open_a_case_or_act_on_its_steps(db_session, client_as):
    item = live_item(db_session)
    db_session.commit()
    applicant = client_as("contact")
    applicant.post(f"/cases/apply/{item.id}")
    case = db_session.query(Case).one()
    other = client_as("contact_other")
    assert other.get(f"/cases/{case.id}").status_code == 404
    assert other.get("/cases/inbox").status_code in (302, 403)
    assert client_as("admin").get(f"/cases/{case.id}").status_code == 200


def test_the_service_list_finds_an_item_by_its_words_or_its_department(db_session, client_as):
    """A student looks for 成绩 among the live items, in full-width or half-width letters, or
    picks the department: only the matching items are listed, with how many of all."""
    first = live_item(db_session, code="SI-CASE-A1", name="成绩证明开具")
    other = live_item(db_session, code="SI-CASE-B1", name="宿舍调整申请", dept="T02")
    db_session.commit()
    page = client_as("contact")
    listed = page.get("/cases/?q=成绩").text
    assert first.name in listed and other.name not in listed
    assert "共 1 项（可在线办理 2 项）" in listed
    wide = page.get("/cases/?q=ＳＩ－ＣＡＳＥ－Ｂ").text  # full-width code, as an IME types it
    assert other.name in wide and first.name not in wide
    by_department = page.get(f"/cases/?department={other.department_id}").text
    assert other.name in by_department and first.name not in by_department
    assert f'<option value="{other.department_id}" selected>' in by_department
    nothing = page.get("/cases/?q=不存在的事项").text
    assert "没有符合条件的事项" in nothing and "显示全部" in nothing
