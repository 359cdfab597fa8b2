"""统计分析: every figure against numbers computed by hand, valid PNG/SVG with no missing glyph,
department scope in charts and XLSX, a cache that an edit invalidates, and a read-only leader.

The fixture is small enough to count on paper: three systems and four service items in two
departments (T01 is the contact's, T02 the other one), three signed review decisions.
"""

import io
import warnings
from datetime import datetime, timedelta
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import update

from app.models import InformationSystem, ReviewDecision
from app.services.insight import dashboard, figures
from app.services.trail import data_version
from tests import factories as f

LONG_NAME = "一卡通身份认证与统一支付综合管理平台"  # longer than a chart label: shortened with …
OTHER_NAMES = ("测试学生处", "学工系统丙", "丙公司")  # T02's department, system and vendor


@pytest.fixture(autouse=True)
def _empty_chart_cache():
    """Tests clear records with raw DELETEs, which move no data version: start each cold."""
    dashboard.clear_cache()
    yield
    dashboard.clear_cache()


def _decision(session, item, submitted, days):
    session.add(
        ReviewDecision(
            record_type="service_item",
            record_id=item.id,
            department_id=item.department_id,
            decision="approved",
            submitted_at=submitted,
            signed_at=submitted + timedelta(days=days),
            signer_id=f.user(session, "reviewer").id,
            signer_name="审核员",
            snapshot_hash="0" * 64,
            signature_hash="1" * 64,
        )
    )


@pytest.fixture
def college(db_session):
    """Systems A (T01, long name), B (T01) and 丙 (T02); items and decisions in both."""
    s = db_session
    f.information_system(
        s,
        code="SYS-A",
        dept="T01",
        name=LONG_NAME,
        vendor="甲公司",
        build_cost=Decimal("100"),
        annual_om_cost=Decimal("10"),
        daily_active_operations=500,
        core_usage_rate=Decimal("60"),
        deployment="local",
        mobile_adaptation="full",
        portal_integration="full",
        data_silo=True,
    )
    f.information_system(
        s,
        code="SYS-B",
        dept="T01",
        name="教务系统乙",
        vendor="乙公司",
        build_cost=Decimal("50"),
        annual_om_cost=Decimal("20"),
        daily_active_operations=1000,
        core_usage_rate=Decimal("30"),
        deployment="cloud",
        mobile_adaptation="none",
        portal_integration="sso",
        data_silo=True,
        security_risk=True,
    )
    f.information_system(
        s,
        code="SYS-C",
        dept="T02",
        name="学工系统丙",
        vendor="丙公司",
        build_cost=Decimal("200"),
        annual_om_cost=Decimal("5"),
        deployment="local",
        portal_integration="none",
        feature_gap=True,
    )
    # T01: two 良好 (one of them offline: still counted) and one 待改进; T02: one 待部署.
    within = f.service_item(s, code="SI-1", dept="T01", time_limit_days=3)
    late = f.service_item(s, code="SI-2", dept="T01", time_limit_days=3, lifecycle="offline")
    f.service_item(s, code="SI-3", dept="T01", running_status="improve")
    open_ended = f.service_item(s, code="SI-4", dept="T02", running_status="deploy")
    start = datetime(2026, 9, 1, 9, 0)
    _decision(s, within, start, 2)  # 2 days against 3: within
    _decision(s, late, start, 5)  # 5 days against 3: over
    _decision(s, open_ended, start, 1)  # no time limit
    s.commit()
    return s


def rows(session, name, role):
    return figures.BY_NAME[name].rows(session, f.user(session, role))


def test_cost_figures_match_hand_counts(college):
    """Per system (dearest build + O&M first), per department and per vendor, in 万元."""
    systems = rows(college, "system_costs", "leader")
    assert [(r["label"], r["build_cost"], r["annual_om_cost"]) for r in systems] == [
        ("学工系统丙", Decimal("200.00"), Decimal("5.00")),
        (LONG_NAME, Decimal("100.00"), Decimal("10.00")),
        ("教务系统乙", Decimal("50.00"), Decimal("20.00")),
    ]
    departments = rows(college, "department_costs", "leader")
    assert [
        (r["label"], r["systems"], r["build_cost"], r["annual_om_cost"]) for r in departments
    ] == [
        ("测试学生处", 1, Decimal("200.00"), Decimal("5.00")),
        ("测试教务处", 2, Decimal("150.00"), Decimal("30.00")),
    ]
    vendors = rows(college, "vendor_costs", "leader")
    assert [(r["label"], r["systems"], r["build_cost"], r["annual_om_cost"]) for r in vendors] == [
        ("丙公司", 1, Decimal("200.00"), Decimal("5.00")),
        ("甲公司", 1, Decimal("100.00"), Decimal("10.00")),
        ("乙公司", 1, Decimal("50.00"), Decimal("20.00")),
    ]


def test_usage_figure_lists_busiest_systems_with_their_usage_rate(college):
    """Systems without daily operations (丙) are left out; busiest first."""
    assert [
        (r["label"], r["daily_active_operations"], r["core_usage_rate"])
        for r in rows(college, "system_usage", "reviewer")
    ] == [("教务系统乙", 1000, 30.0), (LONG_NAME, 500, 60.0)]


def test_integration_mobile_deployment_and_problem_counts(college):
    """Every category is listed (0 included); an unanswered field counts as 未填写."""

    def counts(name):
        return [(r["label"], r["systems"], r["share"]) for r in rows(college, name, "admin")]

    assert counts("portal_integration") == [
        ("未对接", 1, 33.3),
        ("仅统一认证", 1, 33.3),
        ("已集成至融合门户", 1, 33.3),
    ]
    assert counts("mobile_adaptation") == [
        ("未适配", 1, 33.3),
        ("部分适配", 0, 0.0),
        ("已适配", 1, 33.3),
        ("未填写", 1, 33.3),
    ]
    assert counts("deployment_mode") == [("本地服务器", 2, 66.7), ("云端部署", 1, 33.3)]
    assert counts("problems") == [
        ("跨系统数据孤岛", 2, 66.7),
        ("功能缺失或重复", 1, 33.3),
        ("拓展性不足", 0, 0.0),
        ("网络与数据安全隐患", 1, 33.3),
    ]


def test_items_by_running_status_per_department_count_offline_items(college):
    """An offline item still counts (its data is kept for statistics)."""
    assert rows(college, "items_by_status", "leader") == [
        {"label": "测试学生处", "good": 0, "improve": 0, "deploy": 1, "total": 1},
        {"label": "测试教务处", "good": 2, "improve": 1, "deploy": 0, "total": 3},
    ]


def test_approval_time_against_the_items_time_limit(college):
    """Days from submission to signature, compared with each item's own time limit."""
    assert rows(college, "approval_time", "leader") == [
        {
            "label": "测试学生处",
            "decisions": 1,
            "avg_days": 1.0,
            "avg_limit": None,
            "within": 0,
            "over": 0,
            "no_limit": 1,
        },
        {
            "label": "测试教务处",
            "decisions": 2,
            "avg_days": 3.5,
            "avg_limit": 3.0,
            "within": 1,
            "over": 1,
            "no_limit": 0,
        },
    ]


def test_contact_figures_hold_only_their_department(college):
    """Every figure computed for T01's contact counts T01's records alone."""
    assert [r["label"] for r in rows(college, "system_costs", "contact")] == [
        LONG_NAME,
        "教务系统乙",
    ]
    assert [r["label"] for r in rows(college, "department_costs", "contact")] == ["测试教务处"]
    assert [(r["label"], r["systems"]) for r in rows(college, "vendor_costs", "contact")] == [
        ("甲公司", 1),
        ("乙公司", 1),
    ]
    assert [r["systems"] for r in rows(college, "deployment_mode", "contact")] == [1, 1]
    assert [r["label"] for r in rows(college, "items_by_status", "contact")] == ["测试教务处"]
    assert [r["label"] for r in rows(college, "approval_time", "contact")] == ["测试教务处"]
    other = rows(college, "items_by_status", "contact_other")
    assert other == [{"label": "测试学生处", "good": 0, "improve": 0, "deploy": 1, "total": 1}]


def _missing_glyph_warnings(caught):
    return [str(w.message) for w in caught if "missing from" in str(w.message)]


def test_missing_glyph_warning_is_detected_by_the_capture():
    """Control for the next test: Chinese in Matplotlib's default font does warn."""
    from matplotlib.figure import Figure

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = Figure()
        fig.text(0.5, 0.5, "统计")
        fig.savefig(io.BytesIO(), format="png")
    assert _missing_glyph_warnings(caught)


@pytest.mark.parametrize("name", [figure.name for figure in figures.FIGURES])
def test_every_chart_is_valid_png_and_svg_without_missing_glyphs(client_as, college, name):
    """PNG: signature and Pillow opens it; SVG: parses as XML; no glyph falls back to a box."""
    client = client_as("leader")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = client.get(f"/statistics/chart/{name}.png")
        svg = client.get(f"/statistics/chart/{name}.svg")
    assert _missing_glyph_warnings(caught) == []
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert png.data.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png.data))
    image.verify()
    assert image.size[0] > 300 and image.size[1] > 200
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    root = ElementTree.fromstring(svg.data)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"


def test_empty_college_draws_a_no_data_chart(client_as, db_session):
    """With no records every chart still renders (a 暂无数据 note) and every table is empty."""
    client = client_as("leader")
    for figure in figures.FIGURES:
        response = client.get(f"/statistics/chart/{figure.name}.svg")
        assert response.status_code == 200
        assert "暂无数据" in response.text
    assert client.get("/statistics/").status_code == 200


def _xlsx_text(data):
    book = load_workbook(io.BytesIO(data), read_only=True)
    return [tuple(row) for sheet in book for row in sheet.iter_rows(values_only=True)]


def test_xlsx_holds_the_figures_rows(client_as, college):
    """The download is the table beside the chart: a title, the headers, one line per row."""
    response = client_as("reviewer").get("/statistics/data/department_costs.xlsx")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    lines = _xlsx_text(response.data)
    assert lines[1] == ("部门", "系统数", "建设总经费（万元）", "年度运维费用（万元）")
    assert lines[2:] == [("测试学生处", 1, 200, 5), ("测试教务处", 2, 150, 30)]


def test_contact_charts_xlsx_and_page_hold_no_other_department(client_as, college):
    """Nothing of T02 in any of the contact's pages, chart texts (SVG) or XLSX files."""
    client = client_as("contact")
    page = client.get("/statistics/")
    assert page.status_code == 200
    assert "教务系统乙" in page.text
    for figure in figures.FIGURES:
        svg = client.get(f"/statistics/chart/{figure.name}.svg").text
        lines = _xlsx_text(client.get(f"/statistics/data/{figure.name}.xlsx").data)
        text = " ".join(str(cell) for line in lines for cell in line)
        for other in OTHER_NAMES:
            assert other not in svg, (figure.name, other)
            assert other not in text, (figure.name, other)
            assert other not in page.text
    # The same figure for the college does show T02 (the check above can fail).
    leader_svg = client_as("leader").get("/statistics/chart/system_costs.svg").text
    assert "学工系统丙" in leader_svg


def test_chart_is_cached_until_an_edit_commits(client_as, college):
    """A second request is served from the cache; a committed edit moves the data version,
    and the next request draws the new data; a rolled-back edit moves nothing."""
    client = client_as("leader")
    first = client.get("/statistics/chart/system_costs.svg").data
    before = dashboard.cache_info()
    assert client.get("/statistics/chart/system_costs.svg").data == first
    assert dashboard.cache_info()["hits"] > before["hits"]

    version = data_version.current(college)
    system = college.query(InformationSystem).filter_by(code="SYS-B").one()
    system.name = "教务系统乙改"
    college.rollback()
    assert data_version.current(college) == version

    system = college.query(InformationSystem).filter_by(code="SYS-B").one()
    system.name = "教务系统乙新"
    college.commit()
    assert data_version.current(college) == version + 1
    page = client.get("/statistics/").text
    assert "教务系统乙新" in page
    svg = client.get("/statistics/chart/system_costs.svg").text
    assert svg != first.decode() and "教务系统乙新" in svg


def test_bulk_statement_also_moves_the_data_version(college):
    """Core/bulk UPDATEs (as the seeder and services use) invalidate too."""
    version = data_version.current(college)
    college.execute(update(InformationSystem).values(vendor="丁公司"))
    college.commit()
    assert data_version.current(college) == version + 1
    assert [r["label"] for r in rows(college, "vendor_costs", "leader")] == ["丁公司"]


def test_leader_reads_the_dashboard_but_has_no_write_access(app, client_as, college):
    """The leader's only permission on the dashboard is can_read; the dashboard answers no
    POST, and the records behind it stay read-only for the leader."""
    from app.extensions import appbuilder
    from app.security.roles import LEADER

    client = client_as("leader")
    assert client.get("/statistics/").status_code == 200
    assert client.post("/statistics/").status_code == 405
    assert client.post("/statistics/data/system_costs.xlsx").status_code == 405
    with app.app_context():
        perms = {
            p.permission.name
            for p in appbuilder.sm.find_role(LEADER).permissions
            if p.view_menu.name == "StatisticsView"
        }
    assert perms == {"can_read"}
    system = college.query(InformationSystem).filter_by(code="SYS-A").one()
    assert (
        client.post(f"/informationsystemview/edit/{system.id}", data={"name": "改名"}).status_code
        == 403
    )


@pytest.mark.parametrize("role", ["leader", "reviewer", "admin", "contact"])
def test_dashboard_in_the_menu_of_each_reading_role(client_as, role):
    """统计分析 is a menu entry for leaders, reviewers, the IT office and contacts."""
    page = client_as(role).get("/statistics/")
    assert page.status_code == 200
    assert 'href="/statistics/"' in page.text and "统计分析" in page.text


def test_anonymous_is_sent_to_login(client):
    assert client.get("/statistics/").status_code == 302
    assert client.get("/statistics/chart/system_costs.png").status_code == 302


def test_unknown_figure_or_format_is_404(client_as):
    client = client_as("leader")
    assert client.get("/statistics/chart/nothing.png").status_code == 404
    assert client.get("/statistics/chart/system_costs.gif").status_code == 404
    assert client.get("/statistics/data/nothing.xlsx").status_code == 404
