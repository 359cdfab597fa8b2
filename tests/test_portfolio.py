"""Portfolio insight: every figure, score and recommendation against values worked out by hand
on a small college, each kind of finding, department scope, opening tasks from findings, and a
query count that does not grow with the number of systems."""

from decimal import Decimal

import pytest

from app.models import RectificationTask
from app.services.errors import DomainError
from app.services.insight import fitness, portfolio
from app.services.ledger import rectification
from tests import factories as f
from tests.helpers import QueryCounter


def _college(session):
    """Four systems and seven items; the expected figures are in the tests below."""
    a = f.information_system(  # yearly 10 + 50/5 = 20 万元; 200000 元 / 400 = 500.00
        session,
        code="SYS-A",
        name="甲系统",
        annual_om_cost=Decimal("10"),
        build_cost=Decimal("50"),
        daily_active_operations=400,
        core_usage_rate=Decimal("80"),
        user_groups="staff,undergraduate",
        mobile_adaptation="full",
        portal_integration="full",
    )
    b = f.information_system(  # yearly 5; 50000 / 2000 = 25.00
        session,
        code="SYS-B",
        name="乙系统",
        annual_om_cost=Decimal("5"),
        daily_active_operations=2000,
        core_usage_rate=Decimal("90"),
        user_groups="staff",
        security_risk=True,
        mobile_adaptation="partial",
        portal_integration="sso",
    )
    c = f.information_system(  # yearly 8 + 20/5 = 12; 120000 / 30 = 4000.00
        session,
        code="SYS-C",
        name="丙系统",
        annual_om_cost=Decimal("8"),
        build_cost=Decimal("20"),
        daily_active_operations=30,
        core_usage_rate=Decimal("40"),
        user_groups="undergraduate",
        mobile_adaptation="full",
        portal_integration="full",
    )
    d = f.information_system(  # another department; no cost, no activity (0 is filled in)
        session,
        code="SYS-D",
        name="丁系统",
        dept="T02",
        user_groups="staff",
        daily_active_operations=0,
        core_usage_rate=Decimal("10"),
        poor_extensibility=True,
        mobile_adaptation="none",
        portal_integration="none",
    )
    items = {
        "hosted_ok": f.service_item(session, code="SI-1", name="正常事项", hosting_system=a),
        "no_portal": f.service_item(session, code="SI-2", name="门户未集成事项", hosting_system=b),
        "no_host": f.service_item(session, code="SI-3", name="无承载系统事项"),
        "no_plan": f.service_item(
            session, code="SI-4", name="无计划事项", running_status="improve"
        ),
        "planned": f.service_item(
            session,
            code="SI-5",
            name="有计划事项",
            running_status="improve",
            disposition="enable",
            disposition_note="下学期启用",
        ),
        "no_note": f.service_item(
            session,
            code="SI-6",
            name="缺说明事项",
            running_status="improve",
            disposition="offline",
            disposition_note="  ",
        ),
        "deploy": f.service_item(session, code="SI-7", name="待部署事项", running_status="deploy"),
        "other_dept": f.service_item(session, code="SI-8", name="学生处事项", dept="T02"),
    }
    session.commit()
    return {"A": a, "B": b, "C": c, "D": d}, items


def _by_code(insights):
    return {i.system.code: i for i in insights}


def test_each_systems_figures_and_recommendation(db_session):
    _college(db_session)
    got = _by_code(portfolio.systems(db_session, f.user(db_session, "admin")))
    expected = {
        # code: (yearly cost, cost per daily op, functional, technical, recommendation, hosted)
        "SYS-A": (Decimal("20.00"), Decimal("500.00"), 83.3, 100.0, "keep", 1),
        "SYS-B": (Decimal("5.00"), Decimal("25.00"), 80.0, 40.0, "invest", 1),
        "SYS-C": (Decimal("12.00"), Decimal("4000.00"), 36.7, 100.0, "migrate", 0),
        "SYS-D": (None, None, 20.0, 40.0, "retire", 0),
    }
    for code, (cost, per_op, functional, technical, rec, hosted) in expected.items():
        insight = got[code]
        assert (insight.yearly_cost, insight.cost_per_operation) == (cost, per_op), code
        assert (insight.functional, insight.technical) == (functional, technical), code
        assert (insight.recommendation, insight.hosted_items) == (rec, hosted), code


def test_reason_shows_each_score_in_words(db_session):
    _college(db_session)
    got = _by_code(portfolio.systems(db_session, f.user(db_session, "admin")))
    b = got["SYS-B"].reason
    assert "功能适配 80.0 分" in b and "技术适配 40.0 分" in b
    assert "覆盖人群 1 类得 50.0 分" in b and "日均操作 2000 次得 100 分" in b
    assert "核心功能使用率 90.0% 得 90.0 分" in b
    assert "存在网络与数据安全隐患扣 40 分" in b and "移动端部分适配扣 10 分" in b
    assert "融合门户仅统一认证扣 10 分" in b and "投入改造" in b
    d = got["SYS-D"].reason
    assert "日均操作 0 次得 0 分" in d and "核心功能使用率 10.0% 得 10.0 分" in d
    assert "移动端未适配扣 20 分" in d and "拓展性不足扣 20 分" in d and "下线" in d
    assert "无扣分项" in got["SYS-A"].reason


@pytest.mark.parametrize(
    "functional,technical,expected",
    [(60, 60, "keep"), (60, 59.9, "invest"), (59.9, 60, "migrate"), (59.9, 59.9, "retire")],
)
def test_recommendation_quadrants_meet_at_sixty(functional, technical, expected):
    assert fitness.recommend(functional, technical) == expected


def test_each_finding_kind(db_session):
    systems, _items = _college(db_session)
    report = portfolio.report(db_session, f.user(db_session, "admin"))
    found = {kind: sorted(x.record.code for x in rows) for kind, rows in report["findings"].items()}
    assert found == {
        "idle_system": ["SYS-C", "SYS-D"],
        "good_no_portal": ["SI-2"],
        "good_no_host": ["SI-3", "SI-8"],
        "improve_no_plan": ["SI-4", "SI-6"],
    }
    [no_portal] = report["findings"]["good_no_portal"]
    assert no_portal.extra["system"].id == systems["B"].id and "仅统一认证" in no_portal.detail


def test_offline_items_are_not_findings(db_session):
    _systems, items = _college(db_session)
    items["no_host"].lifecycle = "offline"
    db_session.commit()
    report = portfolio.report(db_session, f.user(db_session, "admin"))
    assert "SI-3" not in [x.record.code for x in report["findings"]["good_no_host"]]


def test_contact_sees_only_the_own_department(db_session, client_as):
    _college(db_session)
    report = portfolio.report(db_session, f.user(db_session, "contact"))
    # worst first: invest, migrate, keep
    assert [i.system.code for i in report["systems"]] == ["SYS-B", "SYS-C", "SYS-A"]
    assert report["summary"] == {
        "keep": 1,
        "invest": 1,
        "migrate": 1,
        "retire": 0,
        "insufficient": 0,
    }
    assert [x.record.code for x in report["findings"]["idle_system"]] == ["SYS-C"]
    assert [x.record.code for x in report["findings"]["good_no_host"]] == ["SI-3"]
    page = client_as("contact").get("/portfolio/").text
    assert "甲系统" in page and "丁系统" not in page and "学生处事项" not in page


def test_open_a_task_from_a_finding(db_session):
    _systems, items = _college(db_session)
    contact = f.user(db_session, "contact")
    task = portfolio.open_finding_task(db_session, contact, "good_no_portal", items["no_portal"].id)
    db_session.commit()
    assert (task.source, task.category, task.service_item_id) == (
        "portfolio",
        "integration",
        items["no_portal"].id,
    )
    assert task.department_id == items["no_portal"].department_id
    with pytest.raises(rectification.DuplicateTaskError):
        portfolio.open_finding_task(db_session, contact, "good_no_portal", items["no_portal"].id)
    with pytest.raises(DomainError):  # the finding does not hold for this item
        portfolio.open_finding_task(db_session, contact, "improve_no_plan", items["planned"].id)
    report = portfolio.report(db_session, contact)
    [finding] = report["findings"]["good_no_portal"]
    assert finding.task_id == task.id


def test_open_a_task_from_a_recommendation(db_session):
    systems, _items = _college(db_session)
    admin = f.user(db_session, "admin")
    task = portfolio.open_finding_task(db_session, admin, "recommendation", systems["B"].id)
    assert task.category == "poor_extensibility" and "投入改造" in task.title
    assert task.information_system_id == systems["B"].id
    with pytest.raises(DomainError):  # keep: nothing to fix
        portfolio.open_finding_task(db_session, admin, "recommendation", systems["A"].id)


def test_open_tasks_from_the_page(db_session, client_as):
    systems, items = _college(db_session)
    client = client_as("contact")
    page = client.get("/portfolio/").text
    idle = f"/ledger/open/finding/idle_system/{systems['C'].id}"
    assert idle in page
    response = client.post(idle)
    task = db_session.query(RectificationTask).one()
    assert response.headers["Location"].endswith(f"/rectificationtaskview/show/{task.id}")
    assert (task.category, task.information_system_id) == ("consolidation", systems["C"].id)
    page = client.get("/portfolio/").text
    assert idle not in page and f"/rectificationtaskview/show/{task.id}" in page
    # another department's system: 404, nothing opened
    assert client.post(f"/ledger/open/finding/idle_system/{systems['D'].id}").status_code == 404
    assert (
        client_as("leader").post(f"/ledger/open/finding/no_plan/{items['no_plan'].id}").status_code
        == 403
    )
    assert db_session.query(RectificationTask).count() == 1


def test_report_queries_do_not_grow_with_systems(db_session, app):
    from app.extensions import db

    _college(db_session)
    admin = f.user(db_session, "admin")
    with QueryCounter(db.engine) as small:
        portfolio.report(db_session, admin)
    for n in range(12):
        host = f.information_system(
            db_session, code=f"SYS-X{n}", name=f"系统{n}", portal_integration="sso"
        )
        f.service_item(db_session, code=f"SI-X{n}", hosting_system=host)
    db_session.commit()
    db_session.expire_all()
    admin = f.user(db_session, "admin")
    with QueryCounter(db.engine) as large:
        report = portfolio.report(db_session, admin)
    assert len(report["systems"]) == 16
    assert large.count <= small.count + 1  # +1: the admin reloaded after expire_all
    # roles, systems, hosted counts, finding counts, three finding pages (and the hosting
    # systems of the two pages that have one), opened tasks
    assert large.count <= 10


def test_long_finding_lists_show_a_page_with_the_exact_total(db_session):
    _college(db_session)
    for n in range(5):
        f.service_item(db_session, code=f"SI-NH{n}", name=f"无承载{n}")
    db_session.commit()
    report = portfolio.report(db_session, f.user(db_session, "admin"), limit=3)
    assert report["totals"] == {
        "idle_system": 2,
        "good_no_portal": 1,
        "good_no_host": 7,
        "improve_no_plan": 2,
    }
    assert report["systems_total"] == 4
    assert [i.system.code for i in report["systems"]] == ["SYS-D", "SYS-B", "SYS-C"]
    assert [x.record.code for x in report["findings"]["good_no_host"]] == [
        "SI-3",
        "SI-NH0",
        "SI-NH1",
    ]  # department T01 first, then by code
