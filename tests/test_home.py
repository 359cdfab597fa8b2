"""The home page per role: a contact's progress and tasks (own department only), a reviewer's
inbox, a leader's key figures with the dashboards link, the IT office's board."""

import re
from datetime import datetime
from decimal import Decimal

from app.models import Reminder
from tests import factories as f


def section(html, css_class):
    """The HTML of the home page panel with `css_class` (empty when absent)."""
    marker = f'panel panel-default {css_class}"'
    if marker not in html:
        return ""
    return html.split(marker, 1)[1].split('<div class="panel panel-default', 1)[0]


def two_departments(session):
    """T01: a returned item, a submitted item, an open and a done task, a reminder.
    T02: its own returned item, open task and reminder."""
    f.complete_item(
        session,
        code="HOME-RET-1",
        name="退回的事项甲",
        status="returned",
        review_comment="请补充材料说明",
    )
    f.complete_item(
        session,
        code="HOME-SUB-1",
        name="待审的事项甲",
        status="submitted",
        submitted_at=datetime(2026, 11, 2, 9),
    )
    f.complete_item(session, code="HOME-RET-2", dept="T02", name="退回的事项乙", status="returned")
    f.rectification_task(session, title="甲部门待整改", task_status="open")
    f.rectification_task(session, title="甲部门已整改", task_status="done")
    f.rectification_task(session, dept="T02", title="乙部门待整改", task_status="in_progress")
    f.information_system(session, code="HOME-SYS", annual_om_cost=Decimal("12.5"))
    for dept, text in (("T01", "甲部门请尽快补齐"), ("T02", "乙部门请尽快补齐")):
        session.add(Reminder(department_id=f.department(session, dept).id, message=text))
    session.commit()


def test_contact_sees_own_progress_and_tasks_only(db_session, client_as):
    """Progress row of T01 with what it lacks, T01's reminder, returned record with the
    reviewer's comment, open task; nothing of T02 and no done task."""
    two_departments(db_session)
    html = client_as("contact").get("/").text
    progress, tasks = section(html, "home-contact"), section(html, "home-tasks")
    assert "本部门进度：测试教务处" in progress and "board-state" in progress
    assert "尚未报送联系人" in progress
    assert "甲部门请尽快补齐" in tasks and "乙部门请尽快补齐" not in tasks
    assert "HOME-RET-1 退回的事项甲" in tasks and "请补充材料说明" in tasks
    assert "退回的事项乙" not in tasks
    assert "甲部门待整改" in tasks and "甲部门已整改" not in tasks and "乙部门待整改" not in tasks
    for other in ("home-reviewer", "home-leader", "home-office"):
        assert section(html, other) == ""


def test_reviewer_sees_the_inbox(db_session, client_as):
    """The reviewer's home lists the submitted item with its department and links the inbox."""
    two_departments(db_session)
    html = client_as("reviewer").get("/").text
    inbox = section(html, "home-reviewer")
    assert "审核待办（1）" in inbox
    assert "HOME-SUB-1 待审的事项甲" in inbox and "测试教务处" in inbox
    assert "/workflow/inbox/" in inbox
    assert section(html, "home-contact") == "" and section(html, "home-office") == ""


def test_leader_sees_key_figures_and_the_dashboard_link(db_session, client_as):
    """3 items (all 良好: 100.0%), 1 system with 12.50 万元 O&M, 1 of 3 tasks done, and a link to
    the dashboards."""
    two_departments(db_session)
    html = client_as("leader").get("/").text
    figures = section(html, "home-leader")
    rows = dict((th, td) for th, td in re.findall(r"<th>(.*?)</th><td>(.*?)</td>", figures))
    assert rows["服务事项"] == "3" and rows["良好事项占比"] == "100.0%"
    assert rows["管理信息系统"] == "1" and rows["年度运维费用合计（万元）"] == "12.50"
    assert rows["整改任务（已完成/全部）"] == "1/3"
    assert 'href="/statistics/"' in figures
    assert section(html, "home-office") == ""


def test_it_office_sees_the_campaign_board(db_session, client_as):
    """The IT admin's home shows the board's counts, the overdue departments (today every
    deadline of the notice has passed, so incomplete departments are red) and a link to it."""
    two_departments(db_session)
    html = client_as("admin").get("/").text
    office = section(html, "home-office")
    assert "工作进度看板" in office and "/board/" in office
    assert "测试学生处" in office and "尚未报送联系人" in office


def test_anonymous_visitor_gets_the_login_button(client):
    """No login: the welcome text and the login button, no section."""
    html = client.get("/").text
    assert "/login/" in html and "home-contact" not in html and "home-office" not in html
