"""In Chromium, under the Content-Security-Policy: each role's main pages and the public pages
report no policy violation (`securitypolicyviolation` events, console CSP errors), and still
work: the menus open, the delete confirmation dialog opens and closes, select2 forms and the
date picker run, charts and the flowchart load, the print button prints.

Debian's Chromium through Playwright against the session `app` (tests/live_server.py), logins
through the real slapd (tests/browser.py)."""

import re

import pytest
from playwright.sync_api import expect

from app.services.insight import dashboard
from app.services.publish import publication
from app.services.review import workflow
from tests import factories as f
from tests.browser import log_in, open_menu
from tests.factories import PASSWORD

pytestmark = pytest.mark.usefixtures("ldap_login")

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push([e.violatedDirective, e.blockedURI, e.sourceFile, e.lineNumber].join(" "));
});
window.__printed = 0;
window.print = function () { window.__printed += 1; };
"""


@pytest.fixture
def watched(new_page):
    """Pages that record every CSP violation; `check(page)` asserts there was none."""
    console = []

    def make():
        tab = new_page()
        tab.context.add_init_script(WATCH)
        tab.on(
            "console",
            lambda message: (
                ("Content Security Policy" in message.text or "Refused to" in message.text)
                and console.append(message.text)
            ),
        )
        return tab

    def check(tab):
        events = tab.evaluate("window.__csp")
        assert events == [] and console == [], (tab.url, events, console)

    make.check = check
    return make


@pytest.fixture
def college(db_session):
    """An approved item with a flowchart, a submitted one, systems for the charts, and a
    published version of the lists."""
    dashboard.clear_cache()
    contact, reviewer = f.user(db_session, "contact"), f.user(db_session, "reviewer")
    item = f.complete_item(db_session, code="SI-CSP-WEB", name="在读证明开具")
    workflow.submit(db_session, item, contact)
    workflow.approve(db_session, item, reviewer, PASSWORD)
    pending = f.complete_item(db_session, code="SI-CSP-PENDING", name="成绩单打印")
    workflow.submit(db_session, pending, contact)
    f.complete_system(db_session, code="SYS-CSP-1", dept="T01", name="教务系统")
    publication.publish(db_session, reviewer, PASSWORD)
    db_session.commit()
    yield {"item": item, "pending": pending}
    dashboard.clear_cache()


def _image_loads(page, locator):
    image = locator.first
    image.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )


def test_contact_pages_work_under_the_policy(watched, college):
    page = watched()
    log_in(page, "contact")
    watched.check(page)
    open_menu(page, "梳理填报", "服务事项")
    expect(page.locator("body")).to_contain_text("SI-CSP-WEB")
    watched.check(page)
    page.goto(f"/serviceitemview/show/{college['item'].id}")
    _image_loads(page, page.locator("img.flowchart"))
    watched.check(page)
    page.goto("/serviceitemview/add")
    page.locator(".select2-selection[aria-labelledby='select2-kind-container']").click()
    page.locator(".select2-container--open .select2-results__option").first.click()
    expect(page.locator("#select2-kind-container")).not_to_have_text("")
    watched.check(page)


def test_reviewer_pages_work_under_the_policy(watched, college):
    page = watched()
    log_in(page, "reviewer")
    open_menu(page, "审核", "审核待办")
    expect(page.locator("body")).to_contain_text("SI-CSP-PENDING")
    watched.check(page)
    open_menu(page, "审核", "清单发布")
    expect(page.locator("body")).to_contain_text("第 1 版")
    page.locator("#publicity_start").click()  # bootstrap-datepicker, if the field uses it
    watched.check(page)
    page.goto(f"/workflow/service_item/{college['item'].id}/print")
    page.locator("button[data-print]").click()
    page.wait_for_function("window.__printed === 1")
    watched.check(page)


def test_system_administrator_menus_and_confirm_dialog_work_under_the_policy(watched, college):
    page = watched()
    log_in(page, "admin")
    open_menu(page, "基础设置", "部门")
    page.locator("a.confirm").first.click()
    dialog = page.locator("#modal-confirm")
    expect(dialog).to_be_visible()
    dialog.locator("button[data-dismiss=modal]").click()
    expect(dialog).to_be_hidden()
    watched.check(page)
    open_menu(page, "进度与考核", "工作进度看板")
    watched.check(page)


def test_leader_charts_load_under_the_policy(watched, college):
    page = watched()
    log_in(page, "leader")
    page.locator(".navbar a", has_text="统计分析").click()
    page.wait_for_url(re.compile(r"/statistics/$"))
    _image_loads(page, page.locator("img.chart"))
    watched.check(page)


def test_security_and_audit_administrators_pages_under_the_policy(watched, college):
    security = watched()
    log_in(security, "security")
    security.goto("/users/list/")
    expect(security.locator("body")).to_contain_text("t_contact")
    watched.check(security)
    auditor = watched()
    log_in(auditor, "auditor")
    open_menu(auditor, "基础设置", "审计日志")
    expect(auditor.locator("table.table-bordered")).to_contain_text("zhoujie")
    watched.check(auditor)


def test_public_pages_and_error_pages_under_the_policy(watched, college):
    page = watched()
    page.goto("/public/")
    expect(page.locator("body")).to_contain_text("在读证明开具")
    page.goto("/public/versions/")
    watched.check(page)
    page.goto("/public/items/SI-CSP-WEB")
    _image_loads(page, page.locator("img"))
    page.goto("/verify")
    watched.check(page)
    page.goto("/no/such/page/")
    expect(page.locator("h2")).to_contain_text("页面不存在")
    page.goto("/login/")
    watched.check(page)


def test_the_watch_sees_an_inline_script_the_policy_blocks(watched):
    """The control: an inline script without the nonce is blocked and reported."""
    page = watched()
    page.goto("/public/")
    page.evaluate(
        """() => { const s = document.createElement("script");
                   s.textContent = "window.__ran = true;"; document.body.appendChild(s); }"""
    )
    page.wait_for_function("window.__csp.length > 0")
    assert page.evaluate("window.__ran === undefined")
    assert page.evaluate("window.__csp")[0].startswith("script-src")
