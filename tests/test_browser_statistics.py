"""In a real browser: a leader logs in and opens 统计分析; every chart image loads.

Debian's Chromium (/usr/bin/chromium) is driven through Playwright against the session `app`
served over HTTP by tests/live_server.py, as a user does it: the login form, then the menu.
The page is saved to test-artifacts/ for a human to look at.
"""
import re
from decimal import Decimal
from pathlib import Path

import pytest

from app.services import dashboard, statistics
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
def page(browser, live_server):  # noqa: F811
    """A fresh context on the live server; fails the test on a JavaScript or server error."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN",
                                  viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(10000)
    problems = []
    tab.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
    tab.on("response", lambda response: response.status >= 400 and problems.append(
        f"HTTP {response.status} for {response.url}"))
    yield tab
    context.close()
    assert not problems, problems


@pytest.fixture
def surveyed(db_session):
    """Two systems and an item in each fixture department."""
    dashboard.clear_cache()
    f.complete_system(db_session, code="SYS-WEB-1", dept="T01", name="浏览器测试教务系统")
    f.information_system(db_session, code="SYS-WEB-2", dept="T02", name="浏览器测试学工系统",
                         build_cost=Decimal("80"), deployment="cloud", security_risk=True)
    f.service_item(db_session, code="SI-WEB-1", dept="T01")
    f.service_item(db_session, code="SI-WEB-2", dept="T02", running_status="improve")
    db_session.commit()
    yield
    dashboard.clear_cache()


def test_leader_opens_the_dashboard_and_sees_every_chart(page, surveyed):
    page.goto("/login/")
    page.fill("#username", ROLE_USERS["leader"]["username"])
    page.fill("#password", PASSWORD)
    page.locator("input[type=submit][value='登录']").click()
    page.wait_for_url(re.compile(r"/$"))

    page.locator(".navbar a", has_text="统计分析").click()
    page.wait_for_url(re.compile(r"/statistics/$"))
    expect(page.locator("h2")).to_have_text("统计分析")
    figures = page.locator(".statistics-figure")
    expect(figures).to_have_count(len(statistics.FIGURES))
    expect(page.locator("#figure-system_costs table")).to_contain_text("浏览器测试学工系统")
    expect(page.locator("#figure-deployment_mode table")).to_contain_text("云端部署")

    images = page.locator("img.chart")
    expect(images).to_have_count(len(statistics.FIGURES))
    for index in range(len(statistics.FIGURES)):
        image = images.nth(index)
        image.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0",
                               arg=image.element_handle())
        assert image.evaluate("img => img.naturalWidth") > 300

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "browser-statistics.png"), full_page=True)
