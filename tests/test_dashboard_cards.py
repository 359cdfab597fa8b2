"""The leaders' dashboard opens with the six figures a leader asks first, as cards above the
charts, and every chart carries a one-line reading of what it shows."""

import re
from datetime import date
from decimal import Decimal

from app.services.campaign import cards
from app.services.insight import figures, statistics
from tests import factories as f


def small_college(session):
    """T01: 良好, 良好, 待改进, 待部署 and an offline 良好 item; two systems (O&M 10 + 5 万元,
    build 100 + 0); tasks: open and overdue, in progress, done. T02: one 待改进 item, one
    system (O&M 2 万元) and one open task."""
    for code, status in (("C-1", "good"), ("C-2", "good"), ("C-3", "improve"), ("C-4", "deploy")):
        f.service_item(session, code=code, running_status=status)
    f.service_item(session, code="C-5", running_status="good", lifecycle="offline")
    f.service_item(session, code="C-6", dept="T02", running_status="improve")
    f.information_system(
        session,
        code="CS-1",
        name="教务系统",
        annual_om_cost=Decimal("10"),
        build_cost=Decimal("100"),
    )
    f.information_system(session, code="CS-2", name="迎新系统", annual_om_cost=Decimal("5"))
    f.information_system(session, code="CS-3", dept="T02", annual_om_cost=Decimal("2"))
    f.rectification_task(session, task_status="open", deadline=date(2020, 1, 1))
    f.rectification_task(session, task_status="in_progress")
    f.rectification_task(session, task_status="done")
    f.rectification_task(session, dept="T02", task_status="open")
    session.commit()


def test_cards_count_the_college_and_a_departments_own(db_session):
    small_college(db_session)
    college = {c.key: c.value for c in cards.cards(db_session, f.user(db_session, "leader"))}
    assert college["items_online"] == "4"  # 良好 ×2, 待改进 ×2 (offline and 待部署 left out)
    assert college["good_share"] == "40.0%"  # 2 of 5 items not offline
    assert college["systems"] == "3"
    assert college["om_cost"] == "17.00 万元"
    assert college["open_problems"] == "3"
    assert college["late_departments"].isdigit()
    own = {c.key: c.value for c in cards.cards(db_session, f.user(db_session, "contact"))}
    assert (own["items_online"], own["systems"], own["open_problems"]) == ("3", "2", "2")


def test_dashboard_page_puts_the_cards_above_the_charts_each_with_a_reading(db_session, client_as):
    small_college(db_session)
    html = client_as("leader").get("/statistics/").text
    keys = re.findall(r'id="card-([a-z_]+)"', html)
    assert keys == [
        "items_online",
        "good_share",
        "systems",
        "om_cost",
        "open_problems",
        "late_departments",
    ]
    assert html.index('id="card-late_departments"') < html.index("statistics-figure")
    readings = re.findall(r'class="figure-reading">.*?</i>\s*(.*?)</p>', html, re.S)
    assert len(readings) == len(figures.FIGURES)
    assert "年度运维费用最高的系统是“教务系统”：10.00 万元。" in readings


def test_each_reading_names_the_leading_row(db_session):
    small_college(db_session)
    leader = f.user(db_session, "leader")
    by_status = figures.BY_NAME["items_by_status"]
    rows = statistics.items_by_status(db_session, leader)
    assert figures.reading(by_status, rows) == "服务事项最多的部门是“测试教务处”：5 项。"
    assert figures.reading(by_status, []) == "暂无数据。"
