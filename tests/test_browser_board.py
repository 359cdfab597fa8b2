"""In a real browser: the IT administrator opens the campaign board from the menu, reads each
department's colour and the overdue list, and sends the overdue departments a reminder.

Debian's Chromium (/usr/bin/chromium) is driven through Playwright against the session `app`
served over HTTP by tests/live_server.py (the pattern of tests/test_browser.py). The last page
is saved to test-artifacts/ for a human to look at.
"""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from app.models import Reminder
from tests import factories as f
from tests.browser import ARTIFACTS, log_in, open_menu

pytestmark = pytest.mark.usefixtures("ldap_login")


def this_years_campaign(session):
    """This year's campaign whose contacts deadline passed yesterday and whose self-check ends
    in 30 days, so that a department without contacts is red today."""
    today = date.today()
    start = today - timedelta(days=60)
    camp = f.campaign(
        session, year=today.year, start_date=start, end_date=today + timedelta(days=90)
    )
    f.campaign_phase(
        session, camp, name="联系人报送", start_date=start, end_date=today - timedelta(days=1)
    )
    phase = f.campaign_phase(
        session,
        camp,
        name="部门自查报送",
        position=2,
        start_date=start,
        end_date=today + timedelta(days=30),
    )
    phase.kind = "self_check"
    f.complete_contact(session, dept="T01", name="甲老师")
    session.commit()


def test_it_admin_opens_the_board_and_reminds_overdue_departments(page, db_session):
    this_years_campaign(db_session)
    log_in(page, "admin")
    expect(page.locator(".home-office")).to_contain_text("工作进度看板")

    open_menu(page, "进度与考核", "工作进度看板")
    page.wait_for_url(re.compile(r"/board/$"))
    expect(page.locator("h2")).to_contain_text("工作进度看板")
    expect(page.locator(".board-schedule")).to_contain_text("部门自查报送")

    t01 = page.locator("tr.board-row[data-department='T01']")
    t02 = page.locator("tr.board-row[data-department='T02']")
    expect(t01.locator(".board-state")).to_have_text("进行中")
    expect(t02.locator(".board-state")).to_have_text("逾期")
    expect(t02).to_contain_text("尚未报送联系人")
    expect(page.locator(".board-overdue")).to_contain_text("测试学生处")
    expect(page.locator(".board-overdue")).not_to_contain_text("测试教务处")

    page.locator("#remind-overdue").click()
    page.wait_for_url(re.compile(r"/board/"))
    expect(page.locator(".alert")).to_contain_text("已向")
    expect(page.locator(".alert")).to_contain_text("个部门发送站内提醒")
    db_session.expire_all()
    reminders = db_session.query(Reminder).all()
    assert [r.department.code for r in reminders if r.department.code in ("T01", "T02")] == ["T02"]

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "browser-campaign-board.png"), full_page=True)
