"""In a real browser: the reviewer publishes the lists, a visitor without an account finds an
item, leaves a public comment, and verifies the code printed on the item's signed sheet.

Debian's Chromium through Playwright against the session `app` served by tests/live_server.py
(local accounts; the LDAP journey lives in test_browser.py). The last public page is saved to
test-artifacts/ for a human to look at.
"""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.models.base import utcnow
from app.services.review import workflow
from tests import factories as f
from tests.browser import ARTIFACTS, log_in, open_menu
from tests.factories import PASSWORD, ROLE_USERS
from tests.ldap_fixtures import LDAP_PASSWORD

pytestmark = pytest.mark.usefixtures("ldap_login")


def test_publish_comment_and_verify_a_printed_code(app, db_session, new_page):
    """Publish (password), search the public list in Chinese, comment on the item without an
    account, then check the printed code on /verify."""
    users = {role: f.user(db_session, role) for role in ROLE_USERS}
    item = f.complete_item(db_session, code="SI-WEB-PUB", name="在读证明开具")
    workflow.submit(db_session, item, users["contact"])
    workflow.approve(db_session, item, users["reviewer"], PASSWORD)
    db_session.commit()

    reviewer = new_page()
    log_in(reviewer, "reviewer")
    open_menu(reviewer, "审核", "清单发布")
    expect(reviewer.locator("body")).to_contain_text("SI-WEB-PUB")
    today = utcnow().date()
    reviewer.fill("#publicity_start", (today - timedelta(days=1)).isoformat())
    reviewer.fill("#publicity_end", (today + timedelta(days=7)).isoformat())
    reviewer.fill("#password", LDAP_PASSWORD)
    reviewer.locator("button", has_text="签名并发布").click()
    expect(reviewer.locator(".alert-success")).to_contain_text("已发布清单第 1 版")

    reviewer.goto(f"/workflow/service_item/{item.id}/print")
    expect(reviewer.locator(".e-signature").first).to_be_visible()
    expect(reviewer.locator(".qr svg")).to_be_visible()
    code = reviewer.locator("#verify-code").inner_text()
    assert re.fullmatch(r"([0-9A-Z]{4}-){6}[0-9A-Z]{4}", code)

    visitor = new_page()
    visitor.goto("/public/")
    visitor.fill("input[name=q]", "在读")
    visitor.locator("button", has_text="查询").click()
    visitor.locator("a", has_text="在读证明开具").click()
    expect(visitor.locator("h2")).to_contain_text("在读证明开具")
    visitor.fill("#body", "<b>希望</b>增加手机端办理")
    visitor.locator("button", has_text="提交意见").click()
    expect(visitor.locator(".alert-success")).to_contain_text("意见已提交")
    expect(visitor.locator(".comment").first).to_contain_text("<b>希望</b>增加手机端办理")

    visitor.locator(".navbar a", has_text="打印件核验").click()
    visitor.fill("input[name=code]", code.lower())
    visitor.locator("button", has_text="核验").click()
    expect(visitor.locator("#verify-result")).to_contain_text("有效")
    expect(visitor.locator("body")).to_contain_text("在读证明开具")
    ARTIFACTS.mkdir(exist_ok=True)
    visitor.screenshot(path=str(ARTIFACTS / "public-verify.png"), full_page=True)
