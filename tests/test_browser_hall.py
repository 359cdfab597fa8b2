"""In a real browser, through the unified identity (real slapd): an item's way onto the service
hall as the measures write it (art. 6, 8-10, 13, 18), then a handler leaving.

A department requests onboarding, the office approves it with its directory password, IT
develops, the department accepts and records its training, two involved units name handlers
through their own process administrators, the office approves them, the security administrator
files them, both units confirm, IT takes the item online and it shows 良好. Then the directory
moves a handler away, `flask hall-sync` runs, the handover task appears and a change request
is refused until a new handler is filed. Screenshots go to test-artifacts/.
"""

import re

import pytest
from playwright.sync_api import expect

from tests import factories as f
from tests.browser import ARTIFACTS, PEOPLE, log_in, log_out, open_menu
from tests.ldap_fixtures import LDAP_PASSWORD

pytestmark = pytest.mark.usefixtures("ldap_login")

# Two units' process administrators, in the directory with their own group.
ADMINS = {"procadmin": ("zhoupa", "周帕", "T01"), "procadmin_other": ("wupb", "吴波", "T02")}


@pytest.fixture(scope="module")
def browser_directory(browser_directory, directory):
    """The browser suite's directory plus two process administrators (流程管理员)."""
    from app.security.roles import PROCESS_ADMIN

    for uid, name, unit in ADMINS.values():
        directory.add_person(
            uid, LDAP_PASSWORD, name[1:], name[0], f"{uid}@college.edu.cn", unit, "在编在岗"
        )
    group = directory.add_group("console-process-admins", [uid for uid, _n, _u in ADMINS.values()])
    return {**browser_directory, group: [PROCESS_ADMIN]}


@pytest.fixture(autouse=True)
def people():
    PEOPLE.update({role: (uid, name) for role, (uid, name, _unit) in ADMINS.items()})
    yield
    for role in ADMINS:
        PEOPLE.pop(role, None)


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"browser-hall-{name}.png"), full_page=True)


def lifecycle_state(page):
    return page.locator(".lifecycle-status")


def move(page, name, note=None, password=None):
    form = page.locator(f"form.lifecycle-{name}")
    if note is not None:
        form.locator("input[name=note]").fill(note)
    if password is not None:
        form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()


def propose(page, node_name, person, task="指定环节办理人"):
    open_menu(page, "网上办事大厅", "办事大厅待办")
    row = page.locator("table.hall-tasks tr", has_text=node_name)
    expect(row).to_contain_text(task)
    row.locator("a", has_text="办理").click()
    page.locator("form.propose-form select").select_option(person)
    page.locator("form.propose-form button").click()
    expect(page.locator(".alert-success")).to_contain_text("等待党政办公室审批")


def approve_handlers(page, count):
    for _n in range(count):
        open_menu(page, "审核", "审核待办")
        page.locator("table.inbox tr", has_text="办理人备案").first.locator("a").click()
        form = page.locator("form.assignment-decision")
        form.locator("input[name=password]").fill(LDAP_PASSWORD)
        form.locator("button", has_text="批准并签名").click()
        expect(page.locator(".alert-success")).to_contain_text("已批准并签名")


def test_an_item_goes_online_through_every_unit_and_a_leaving_handler_blocks_a_change(
    page, db_session, ldap_login, runner
):
    item = f.complete_item(
        db_session,
        code="SI-BR-HALL",
        name="校园卡补办申请",
        running_status="deploy",
        lifecycle="planned",
        transformation_needs="对接一卡通系统",
        offline_plan="大厅不可用时到一卡通服务中心线下补办，电话 0816-2200000",
    )
    item.nodes[1].handling_department = f.department(db_session, "T02")
    # Handlers and process administrators hold their roles only once trained (art. 18).
    for username in ("liuyang", "heping", "zhangwei", *(a[0] for a in ADMINS.values())):
        f.training_record(db_session, username=username, display_name=username)
    db_session.commit()
    item_url = f"/serviceitemview/show/{item.id}"

    log_in(page, "contact")
    page.goto(item_url)
    expect(lifecycle_state(page)).to_have_text("待申请入驻")
    form = page.locator("form.lifecycle-request_onboarding")
    form.locator("input[name=note]").fill("学生补办校园卡需跑两个部门，申请线上办理")
    form.locator("input[name=no_classified]").check()
    form.locator("button").click()
    expect(lifecycle_state(page)).to_have_text("入驻申请中")
    log_out(page)

    log_in(page, "reviewer")
    open_menu(page, "审核", "审核待办")
    page.locator("table.inbox tr", has_text="入驻申请").locator("a").click()
    decision = page.locator("form.request-decision")
    decision.locator("input[name=password]").fill(LDAP_PASSWORD)
    decision.locator("button", has_text="批准并签名").click()
    expect(page.locator(".alert-success")).to_be_visible()
    log_out(page)

    log_in(page, "admin")
    page.goto(item_url)
    move(page, "start_development")
    expect(lifecycle_state(page)).to_have_text("开发中")
    move(page, "deliver")
    expect(lifecycle_state(page)).to_have_text("待部门测试验收")
    log_out(page)

    log_in(page, "contact")
    page.goto(item_url)
    move(page, "accept", note="20 个测试用例全部通过")
    expect(lifecycle_state(page)).to_have_text("已验收，待培训宣传")
    training = page.locator("form.lifecycle-record_training")
    training.locator("input[name=event_date]").fill("2026-12-01")
    training.locator("input[name=attachment]").set_input_files(
        files=[{"name": "培训签到表.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}]
    )
    training.locator("button").click()
    expect(lifecycle_state(page)).to_have_text("待各单位确认上线")
    expect(page.locator(".go-live-blockers")).to_contain_text("待确认单位")
    expect(page.locator(".hall-timeline")).to_contain_text("培训签到表.pdf")
    shot(page, "1-confirming")
    log_out(page)

    log_in(page, "procadmin")
    propose(page, "提交申请", "liuyang")
    log_out(page)
    log_in(page, "procadmin_other")
    propose(page, "部门审核", "heping")
    log_out(page)

    log_in(page, "reviewer")
    approve_handlers(page, 2)
    log_out(page)

    log_in(page, "security")
    page.goto("/hall/filing/")
    expect(page.locator("table.filing")).to_contain_text("刘洋")
    expect(page.locator("table.filing")).to_contain_text("何平")
    shot(page, "2-filing")
    for _n in range(2):
        page.locator("button.file-handler").first.click()
        expect(page.locator(".alert-success")).to_contain_text("已备案")
    log_out(page)

    for role in ("procadmin", "procadmin_other"):
        log_in(page, role)
        open_menu(page, "网上办事大厅", "办事大厅待办")
        row = page.locator("table.hall-tasks tr", has_text="校园卡补办申请")
        row.locator("button.confirm-item").click()
        expect(page.locator(".alert-success")).to_contain_text("本单位已确认上线")
        log_out(page)

    log_in(page, "admin")
    page.goto(item_url)
    expect(page.locator(".go-live-blockers")).to_have_count(0)
    move(page, "go_live")
    expect(lifecycle_state(page)).to_have_text("已上线")
    expect(page.locator("body")).to_contain_text("良好")
    expect(page.locator(".hall-handlers")).to_contain_text("刘洋")
    shot(page, "3-online")
    log_out(page)

    ldap_login.set_person("liuyang", departmentNumber="T02")
    try:
        result = runner.invoke(args=["hall-sync"])
        assert "已结束 1 条" in result.output, result.output
        log_in(page, "procadmin")
        open_menu(page, "网上办事大厅", "办事大厅待办")
        expect(page.locator("table.hall-tasks")).to_contain_text("办理人离岗，需交接")
        shot(page, "4-handover")
        log_out(page)

        log_in(page, "contact")
        page.goto(item_url)
        expect(page.locator(".hall-handlers .no-handler")).to_have_count(1)
        form = page.locator("form.lifecycle-request_change")
        form.locator("input[name=note]").fill("增加线上缴费环节")
        form.locator("input[name=no_classified]").check()
        form.locator("button").click()
        expect(page.locator(".alert-danger")).to_contain_text("尚无已备案的在岗办理人")
        expect(lifecycle_state(page)).to_have_text("已上线")
        shot(page, "5-change-blocked")
        log_out(page)

        log_in(page, "procadmin")
        propose(page, "提交申请", "zhangwei", task="办理人离岗，需交接")
        log_out(page)
        log_in(page, "reviewer")
        approve_handlers(page, 1)
        log_out(page)
        log_in(page, "security")
        page.goto("/hall/filing/")
        page.locator("button.file-handler").first.click()
        log_out(page)

        log_in(page, "contact")
        page.goto(item_url)
        form = page.locator("form.lifecycle-request_change")
        form.locator("input[name=note]").fill("增加线上缴费环节")
        form.locator("input[name=no_classified]").check()
        form.locator("button").click()
        expect(lifecycle_state(page)).to_have_text("变更申请中")
        expect(page.locator(".open-request")).to_contain_text("增加线上缴费环节")
    finally:
        ldap_login.set_person("liuyang", departmentNumber="T01")
    assert re.search(r"/serviceitemview/show/\d+", page.url)
