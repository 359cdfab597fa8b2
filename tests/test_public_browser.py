"""In a real browser: the reviewer publishes the lists, a visitor without an account finds an
item, leaves a public comment, and verifies the code printed on the item's signed sheet.

Debian's Chromium through Playwright against the session `app` served by tests/live_server.py
(local accounts; the LDAP journey lives in test_browser.py). The last public page is saved to
test-artifacts/ for a human to look at.
"""
import re
from datetime import timedelta
from pathlib import Path

import pytest

from app.models.base import utcnow
from app.services import throttle, workflow
from tests import factories as f
from tests.factories import PASSWORD, ROLE_USERS
from tests.live_server import live_server  # noqa: F401  (fixture)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason=f"browser tests need Debian's Chromium at {CHROMIUM}")

from playwright.sync_api import expect, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser, live_server):  # noqa: F811
    """Pages in fresh contexts (no cookies); fails the test on a JS error or a server error."""
    contexts, problems = [], []

    def make():
        context = browser.new_context(base_url=live_server.url, locale="zh-CN",
                                      viewport={"width": 1280, "height": 900})
        contexts.append(context)
        tab = context.new_page()
        tab.set_default_timeout(8000)
        tab.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
        tab.on("response", lambda response: response.status >= 500 and problems.append(
            f"HTTP {response.status} for {response.url}"))
        return tab

    yield make
    for context in contexts:
        context.close()
    assert not problems, problems


def test_publish_comment_and_verify_a_printed_code(app, db_session, new_page):
    """Publish (password), search the public list in Chinese, comment on the item without an
    account, then check the printed code on /verify."""
    with app.test_request_context():
        throttle.reset()
    users = {role: f.user(db_session, role) for role in ROLE_USERS}
    item = f.complete_item(db_session, code="SI-WEB-PUB", name="在读证明开具")
    workflow.submit(db_session, item, users["contact"])
    workflow.approve(db_session, item, users["reviewer"], PASSWORD)
    db_session.commit()

    reviewer = new_page()
    reviewer.goto("/login/")
    reviewer.fill("#username", ROLE_USERS["reviewer"]["username"])
    reviewer.fill("#password", PASSWORD)
    reviewer.locator("input[type=submit][value='登录']").click()
    reviewer.wait_for_url(re.compile(r"/$"))
    reviewer.locator(".navbar a.dropdown-toggle", has_text="审核").click()
    reviewer.locator(".navbar .dropdown-menu a", has_text="清单发布").click()
    expect(reviewer.locator("body")).to_contain_text("SI-WEB-PUB")
    today = utcnow().date()
    reviewer.fill("#publicity_start", (today - timedelta(days=1)).isoformat())
    reviewer.fill("#publicity_end", (today + timedelta(days=7)).isoformat())
    reviewer.fill("#password", PASSWORD)
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
