"""In a real browser: a leader logs in and opens 统计分析; every chart image loads.

Debian's Chromium (/usr/bin/chromium) is driven through Playwright against the session `app`
served over HTTP by tests/live_server.py, as a user does it: the login form, then the menu.
The page is saved to test-artifacts/ for a human to look at.
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from app.services.insight import dashboard, figures
from tests import factories as f
from tests.browser import ARTIFACTS, log_in

pytestmark = pytest.mark.usefixtures("ldap_login")


@pytest.fixture
def surveyed(db_session):
    """Two systems and an item in each fixture department."""
    dashboard.clear_cache()
    f.complete_system(db_session, code="SYS-WEB-1", dept="T01", name="浏览器测试教务系统")
    f.information_system(
        db_session,
        code="SYS-WEB-2",
        dept="T02",
        name="浏览器测试学工系统",
        build_cost=Decimal("80"),
        deployment="cloud",
        security_risk=True,
    )
    f.service_item(db_session, code="SI-WEB-1", dept="T01")
    f.service_item(db_session, code="SI-WEB-2", dept="T02", running_status="improve")
    db_session.commit()
    yield
    dashboard.clear_cache()


def test_leader_opens_the_dashboard_and_sees_every_chart(page, surveyed):
    log_in(page, "leader")

    page.locator(".navbar a", has_text="统计分析").click()
    page.wait_for_url(re.compile(r"/statistics/$"))
    expect(page.locator("h2")).to_have_text("统计分析")
    shown = page.locator(".statistics-figure")
    expect(shown).to_have_count(len(figures.FIGURES))
    expect(page.locator("#figure-system_costs table")).to_contain_text("浏览器测试学工系统")
    expect(page.locator("#figure-deployment_mode table")).to_contain_text("云端部署")

    images = page.locator("img.chart")
    expect(images).to_have_count(len(figures.FIGURES))
    for index in range(len(figures.FIGURES)):
        image = images.nth(index)
        image.scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
        )
        assert image.evaluate("img => img.naturalWidth") > 300

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "browser-statistics.png"), full_page=True)
