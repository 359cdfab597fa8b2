"""In a real browser, through the unified identity (real slapd): a student applies for a live
item with an upload, two filed handlers act (a countersign pair in parallel), the case
completes, the student rates it 不满意, and the department's ledger shows the rectification
task with its deadline of 15 working days. Screenshots at 1400 and 375 px go to test-artifacts/.
"""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from app.models import Case, RectificationTask
from app.services.calendar import days
from tests import factories as f
from tests.browser import ARTIFACTS, PEOPLE, log_in, log_out, open_menu
from tests.case_helpers import PDF
from tests.ldap_fixtures import LDAP_PASSWORD

pytestmark = pytest.mark.usefixtures("ldap_login")

# zhaoxue is a student of tests/ldap_fixtures.py (no console group: 申请人); liuyang (T01) and
# heping (T02) are staff the hall files as handlers.
CASE_PEOPLE = {
    "student": ("zhaoxue", "赵雪"),
    "handler": ("liuyang", "刘洋"),
    "handler_other": ("heping", "何平"),
}


@pytest.fixture(autouse=True)
def people():
    PEOPLE.update(CASE_PEOPLE)
    yield
    for role in CASE_PEOPLE:
        PEOPLE.pop(role, None)


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"browser-cases-{name}.png"), full_page=True)


def _item(session):
    """A live item of T01: 受理, a countersign pair (T01 and T02), 办结."""
    item = f.service_item(
        session,
        code="SI-BR-CASE",
        name="在读证明开具",
        conditions="在籍学生",
        lifecycle="online",
        approved_version_no=1,
        status="approved",
        promised_limit="5个工作日",
    )
    f.material(session, item, name="申请表", position=1, required=True)
    nodes = [
        ("受理", "submit", "liuyang", "T01"),
        ("教务处会签", "countersign", "liuyang", "T01"),
        ("学生处会签", "countersign", "heping", "T02"),
        ("办结", "complete", "liuyang", "T01"),
    ]
    for position, (name, kind, uid, unit) in enumerate(nodes, start=1):
        node = f.process_node(
            session, item, name=name, position=position, kind=kind, time_limit="1个工作日"
        )
        node.handling_department = f.department(session, unit)
        session.flush()
        f.handler_assignment(session, node, username=uid, display_name=uid)
    for uid in ("liuyang", "heping"):
        f.training_record(session, username=uid, display_name=uid)
    session.commit()
    return item


def _act(page, case_id, role, button, comment):
    log_in(page, role)
    page.goto(f"/cases/{case_id}")
    form = page.locator("form.case-act")
    expect(form).to_have_count(1)
    form.locator("input[name=comment]").fill(comment)
    form.locator("input[name=password]").fill(LDAP_PASSWORD)
    form.locator("button", has_text=button).click()
    expect(page.locator(".alert-success")).to_contain_text("签名")
    log_out(page)


def test_a_student_applies_two_handlers_act_and_a_poor_rating_reaches_the_ledger(
    page, new_page, db_session, tmp_path, app
):
    saved = app.config.get("INSTANCE_DIR")
    app.config["INSTANCE_DIR"] = str(tmp_path)
    try:
        _journey(page, new_page, db_session, tmp_path, app)
    finally:
        app.config["INSTANCE_DIR"] = saved


def _journey(page, new_page, db_session, tmp_path, app):
    item = _item(db_session)
    upload = tmp_path / "申请表.pdf"
    upload.write_bytes(PDF)

    # The student logs in through the directory: 申请人, with 网上办事 only.
    log_in(page, "student")
    navbar = page.locator(".navbar")
    expect(navbar).to_contain_text("网上办事")
    expect(navbar).not_to_contain_text("梳理填报")
    open_menu(page, "网上办事", "在线申请")
    page.locator("table.case-service-list tr", has_text=item.name).locator(
        "button.apply-item"
    ).click()
    expect(page.locator("h2")).to_contain_text(item.name)
    page.locator("input[name=conditions_confirmed]").check()
    picker = page.locator(".file-pick").first
    expect(picker).to_contain_text("选择文件")  # the page's words, not the browser's
    expect(picker).to_contain_text("未选择文件")
    page.set_input_files(f"#material_{item.materials[0].id}", str(upload))
    expect(picker.locator(".file-pick-name")).to_have_text("申请表.pdf")
    page.fill("#note", "用于办理出国签证")
    for width in (1400, 375):
        page.set_viewport_size({"width": width, "height": 900})
        shot(page, f"apply-{width}")
    page.set_viewport_size({"width": 1400, "height": 900})
    page.locator("button.submit-case").click()
    expect(page.locator(".alert-success")).to_contain_text("已提交申请")
    case = db_session.query(Case).filter_by(item_id=item.id).one()
    expect(page.locator(".case-progress")).to_contain_text("受理")
    log_out(page)

    # 受理, then the countersign pair in parallel, then 办结.
    _act(page, case.id, "handler", "同意", "材料齐全，予以受理")
    _act(page, case.id, "handler_other", "同意", "学生处同意")
    _act(page, case.id, "handler", "同意", "教务处同意")
    _act(page, case.id, "handler", "办结", "已开具在读证明，请到教务处领取")
    db_session.expire_all()
    case = db_session.get(Case, case.id)
    assert case.status == "completed"

    # The student rates it 不满意 on the case's page.
    log_in(page, "student")
    open_menu(page, "网上办事", "我的办件")
    page.locator("table.my-cases tr", has_text=item.name).locator("a", has_text="查看进度").click()
    expect(page.locator(".case-summary")).to_contain_text("已办结")
    form = page.locator("form.case-rate")
    for name in ("overall", "efficiency", "guide_accuracy", "convenience", "usability"):
        level = "不满意" if name in ("overall", "efficiency") else "基本满意"
        form.locator("fieldset", has=page.locator(f"input[name={name}]")).locator(
            "label", has_text=re.compile(f"^\\s*{level}$")
        ).click()
    form.locator("textarea[name=comment]").fill("会签等了很久，办事指南没有说要两个部门会签")
    for width in (1400, 375):
        page.set_viewport_size({"width": width, "height": 900})
        shot(page, f"case-{width}")
    page.set_viewport_size({"width": 1400, "height": 900})
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("感谢您的评价")
    db_session.expire_all()
    task = db_session.query(RectificationTask).filter_by(source_key=f"case:{case.id}:rating").one()
    assert task.deadline == days.add_working_days(date.today(), 15)
    outcome = page.locator(".case-rectification")
    expect(outcome).to_contain_text("待整改")
    expect(outcome).to_contain_text(task.deadline.isoformat())
    for width in (1400, 375):
        page.set_viewport_size({"width": width, "height": 900})
        shot(page, f"rated-{width}")
    page.set_viewport_size({"width": 1400, "height": 900})
    log_out(page)

    # The department's contact finds the task in the ledger, with its deadline.
    contact = new_page(1400)
    log_in(contact, "contact")
    contact.goto("/rectificationtaskview/list/")
    row = contact.locator("table tr", has_text="办件差评整改")
    expect(row).to_contain_text(task.deadline.isoformat())
    shot(contact, "ledger-1400")
