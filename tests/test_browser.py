"""In a real browser, people logged in through the unified identity (LDAP) use the console.

Debian's Chromium (/usr/bin/chromium) is driven through Playwright against the session `app`
served over HTTP by tests/live_server.py, switched for this module to LDAP authentication
against the real slapd of tests/ldap_fixtures.py: every login goes through the directory, and so
does the reviewer's e-signature. Everything is done the way a user does it: the login form, the
menu, the + buttons, select2 drop-downs, the item page's sections and its review panel. The last
page of each journey is saved to test-artifacts/ for a human to look at.
"""

import re

import pytest
from playwright.sync_api import expect

from tests import factories as f
from tests.browser import ARTIFACTS, log_in, log_out, open_menu
from tests.ldap_fixtures import LDAP_PASSWORD

pytestmark = pytest.mark.usefixtures("ldap_login")


def choose(page, field, label):
    """Pick `label` in the select2 drop-down of form field `field`, as a user does."""
    page.locator(f".select2-selection[aria-labelledby='select2-{field}-container']").click()
    page.locator(
        ".select2-container--open .select2-results__option",
        has_text=re.compile(f"^{re.escape(label)}$"),
    ).click()
    expect(page.locator(f"#select2-{field}-container")).to_contain_text(label)


def choose_many(page, field, label):
    """Add `label` in the select2 multi-select of form field `field` (a set of codes)."""
    page.locator(f"#{field} + .select2 .select2-selection").click()
    page.locator(
        ".select2-container--open .select2-results__option",
        has_text=re.compile(f"^{re.escape(label)}$"),
    ).click()
    expect(page.locator(f"#{field} + .select2 .select2-selection")).to_contain_text(label)


def save(page):
    page.locator("form .well button[type=submit]", has_text="保存").click()


def expect_saved(page):
    expect(page.locator(".alert-success")).to_contain_text("新增成功")


def add_button(scope):
    """FAB's + button (its text 新增 is for screen readers)."""
    return scope.locator("a.btn:has(> .sr-only:text-is('新增'))")


def related_rows(section):
    return section.locator("table.table-bordered > tbody > tr")


def related_section(page, view):
    """Open a related list (MaterialView / ProcessNodeView) of the item page. They start
    collapsed, but FAB's ab_keep_tab.js reopens the last one opened, so click only if needed."""
    body = page.locator(f"#{view}_href")
    opened = (
        "in" in (body.get_attribute("class") or "").split()
        or body.get_attribute("aria-expanded") == "true"
    )
    if not opened:
        page.locator(f"#{view} a.accordion-toggle").click()
    expect(body).to_have_class(re.compile(r"\bin\b"))  # Bootstrap's collapse has ended
    return body


def test_admin_fills_in_a_service_item_with_nodes_and_material(page):
    log_in(page, "admin")

    open_menu(page, "梳理填报", "服务事项")
    expect(page.locator(".panel-heading").first).to_contain_text("服务事项列表")
    list_url = page.url
    add_button(page).click()
    expect(page.locator(".panel-heading").first).to_contain_text("新增服务事项")

    page.fill("#code", "SI-WEB-001")
    page.fill("#name", "浏览器测试：在读证明开具")
    choose(page, "department", "测试学生处")
    choose(page, "kind", "服务类")
    choose(page, "running_status", "待部署")
    page.fill("#transformation_needs", "对接融合门户统一身份认证")
    expect(page.locator("select#department option:checked")).to_have_text("测试学生处")
    save(page)
    # A new item opens its own page, where its nodes and materials are added next.
    page.wait_for_url(re.compile(r"/serviceitemview/show/\d+$"))
    expect_saved(page)
    item_url = page.url
    page.goto(list_url)
    row = page.locator("table tr", has_text="SI-WEB-001")
    expect(row).to_contain_text("浏览器测试：在读证明开具")
    page.goto(item_url)
    pk = item_url.rsplit("/", 1)[1]

    for position, name, kind in ((1, "学生线上提交申请", "提交"), (2, "学生处审核盖章", "审核")):
        add = add_button(related_section(page, "ProcessNodeView"))
        expect(add).to_have_attribute("href", re.compile(rf"_flt_0_item={pk}$"))
        add.click()
        expect(page.locator(".panel-heading").first).to_contain_text("新增流转环节")
        page.fill("#position", str(position))
        page.fill("#name", name)
        choose(page, "kind", kind)
        save(page)
        page.wait_for_url(item_url)
        expect_saved(page)

    add = add_button(related_section(page, "MaterialView"))
    expect(add).to_have_attribute("href", re.compile(rf"_flt_0_item={pk}$"))
    add.click()
    expect(page.locator(".panel-heading").first).to_contain_text("新增申报材料")
    page.fill("#name", "学生证复印件")
    choose_many(page, "form", "复印件")
    save(page)
    page.wait_for_url(item_url)
    expect_saved(page)

    open_menu(page, "梳理填报", "服务事项")
    row = page.locator("table tr", has_text="SI-WEB-001")
    expect(row).to_have_count(1)
    for text in ("浏览器测试：在读证明开具", "测试学生处", "服务类", "待部署", "草稿"):
        expect(row).to_contain_text(text)
    row.locator("a[href*='/serviceitemview/show/']").click()
    page.wait_for_url(item_url)

    expect(page.locator("body")).to_contain_text("浏览器测试：在读证明开具")
    nodes = related_rows(related_section(page, "ProcessNodeView"))
    expect(nodes).to_have_count(2)
    expect(nodes.nth(0)).to_contain_text("学生线上提交申请")
    expect(nodes.nth(0)).to_contain_text("提交")
    expect(nodes.nth(1)).to_contain_text("学生处审核盖章")
    expect(nodes.nth(1)).to_contain_text("审核")
    materials = related_rows(related_section(page, "MaterialView"))
    expect(materials).to_have_count(1)
    expect(materials).to_contain_text("学生证复印件")
    expect(materials).to_contain_text("复印件")

    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("document.activeElement.blur()")
    page.screenshot(path=str(ARTIFACTS / "browser-service-item.png"), full_page=True)


def status(page):
    return page.locator("#workflow-panel .workflow-status")


def sign(page, decision, password, comment=None):
    """Fill the review form under the record and press 通过 or 退回 (both sign)."""
    form = page.locator("form.review-form")
    if comment is not None:
        form.locator("textarea[name=comment]").fill(comment)
    form.locator("input[name=password]").fill(password)
    form.locator(
        "button", has_text="审核通过并签名" if decision == "approve" else "退回并签名"
    ).click()


def test_contact_and_reviewer_take_an_item_from_draft_to_signed_version(page, db_session):
    """A contact submits, the reviewer returns it with a comment, the contact fixes and
    resubmits, the reviewer approves with their directory password, the signed version shows."""
    item = f.complete_item(db_session, code="SI-JOURNEY", dept="T01", name="学生请假申请")
    db_session.commit()
    item_url = f"/serviceitemview/show/{item.id}"

    log_in(page, "contact")
    page.goto(item_url)
    expect(status(page)).to_have_text("草稿")
    page.locator("#workflow-panel button", has_text="提交审核").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(status(page)).to_have_text("已提交")
    log_out(page)

    log_in(page, "reviewer")
    open_menu(page, "审核", "审核待办")
    row = page.locator("table.inbox tr", has_text="学生请假申请")
    expect(row).to_contain_text("测试教务处")
    row.locator("a", has_text="学生请假申请").click()
    page.wait_for_url(re.compile(rf"{item_url}$"))
    sign(page, "return", LDAP_PASSWORD, comment="办理提示请写明需提前几个工作日申请")
    expect(status(page)).to_have_text("已退回")
    log_out(page)

    log_in(page, "contact")
    page.goto(item_url)
    expect(page.locator(".review-comment")).to_contain_text("需提前几个工作日申请")
    page.goto(f"/serviceitemview/edit/{item.id}")
    page.fill("#tips", "请至少提前 2 个工作日在线申请")
    save(page)
    expect(page.locator(".alert-success")).to_be_visible()
    page.goto(item_url)
    expect(status(page)).to_have_text("草稿")
    page.locator("#workflow-panel button", has_text="提交审核").click()
    expect(status(page)).to_have_text("已提交")
    log_out(page)

    log_in(page, "reviewer")
    page.goto(item_url)
    sign(page, "approve", "not-my-password")
    expect(page.locator(".alert-danger")).to_contain_text("密码不正确，电子签名未完成")
    expect(status(page)).to_have_text("已提交")
    sign(page, "approve", LDAP_PASSWORD)
    expect(status(page)).to_have_text("已通过")
    decisions = page.locator("table.decisions")
    expect(decisions.locator("tr", has_text="通过").locator(".e-signature")).to_have_text("李娜")
    expect(decisions.locator("tr", has_text="退回").locator(".e-signature")).to_have_text("李娜")
    page.locator("#workflow-panel a", has_text="第 1 版").click()
    expect(page.locator("body")).to_contain_text("请至少提前 2 个工作日在线申请")
    expect(page.locator("body")).to_contain_text("李娜")

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "browser-review-journey.png"), full_page=True)
