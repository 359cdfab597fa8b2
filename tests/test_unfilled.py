"""Unknown is not zero: an empty number is shown as 未填写 everywhere, is left out of sums,
averages and charts, each figure that leaves records out says "N 项未填写" (chart, table, XLSX,
cards, the home page), and the portfolio says 数据不足 instead of recommending from blanks.

Three systems: 甲 with both costs and its usage, 乙 with a build cost only (O&M blank, no
usage), 丙 in T02 with no cost and no usage at all.
"""

import io
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app.models import InformationSystem, ReviewDecision
from app.services.campaign import cards, home
from app.services.errors import DomainError
from app.services.insight import dashboard, figures, portfolio
from app.services.insight.dashboard import Dashboard
from tests import factories as f


@pytest.fixture(autouse=True)
def _cold_cache():
    dashboard.clear_cache()
    yield
    dashboard.clear_cache()


@pytest.fixture
def college(db_session):
    s = db_session
    f.information_system(
        s,
        code="U-A",
        name="甲系统",
        vendor="甲公司",
        build_cost=Decimal("100"),
        annual_om_cost=Decimal("10"),
        daily_active_operations=300,
        core_usage_rate=Decimal("60"),
        user_groups="staff,undergraduate",
        mobile_adaptation="full",
        portal_integration="full",
    )
    f.information_system(
        s, code="U-B", name="乙系统", vendor="甲公司", build_cost=Decimal("50"), user_groups="staff"
    )
    f.information_system(s, code="U-C", name="丙系统", dept="T02", vendor="丙公司")
    with_limit = f.service_item(s, code="U-SI-1", time_limit_days=5)
    no_limit = f.service_item(s, code="U-SI-2")
    start = datetime(2026, 9, 1, 9, 0)
    for item, days in ((with_limit, 2), (no_limit, 4), (no_limit, 6)):
        s.add(
            ReviewDecision(
                record_type="service_item",
                record_id=item.id,
                department_id=item.department_id,
                decision="approved",
                submitted_at=start,
                signed_at=start + timedelta(days=days),
                signer_id=f.user(s, "reviewer").id,
                signer_name="审核员",
                snapshot_hash="0" * 64,
                signature_hash="1" * 64,
            )
        )
    s.commit()
    return s


def _rows(session, name, role="leader"):
    return figures.BY_NAME[name].rows(session, f.user(session, role))


def test_a_blank_cost_is_none_and_left_out_of_every_sum(college):
    systems = {r["label"]: r for r in _rows(college, "system_costs")}
    assert set(systems) == {"甲系统", "乙系统"}, "丙 has no cost at all: not drawn as 0"
    assert systems["乙系统"]["annual_om_cost"] is None
    assert systems["乙系统"]["build_cost"] == Decimal("50.00")
    departments = {r["label"]: r for r in _rows(college, "department_costs")}
    assert departments["测试教务处"]["annual_om_cost"] == Decimal("10.00")  # 乙's blank left out
    assert departments["测试教务处"]["build_cost"] == Decimal("150.00")
    assert departments["测试学生处"]["annual_om_cost"] is None  # nothing known: not 0
    assert departments["测试学生处"]["build_cost"] is None
    vendors = {r["label"]: r for r in _rows(college, "vendor_costs")}
    assert vendors["丙公司"]["annual_om_cost"] is None


def test_each_figure_that_leaves_records_out_says_how_many(college):
    board = Dashboard(college, f.user(college, "leader"))
    notes = {spec.name: board.note(spec.name) for spec in figures.FIGURES}
    # 乙 lacks its O&M cost, 丙 both costs; 乙 and 丙 lack their usage; U-SI-2 has no limit.
    assert notes["system_costs"] == notes["department_costs"] == "2 项未填写"
    assert notes["system_usage"] == "2 项未填写"
    assert notes["approval_time"] == "2 项未填写"  # two decisions on the item with no limit
    assert notes["items_by_status"] == notes["problems"] == ""
    own = Dashboard(college, f.user(college, "contact"))
    assert own.note("system_costs") == "1 项未填写", "the contact's own department only"
    [approval] = _rows(college, "approval_time")
    assert approval["avg_limit"] == 5.0, "the blank limit is left out of the average, not 0"
    assert (approval["within"], approval["over"], approval["no_limit"]) == (1, 0, 2)


def test_charts_draw_no_bar_for_a_blank_and_write_the_note(college, client_as):
    client = client_as("leader")
    svg = client.get("/statistics/chart/system_costs.svg").text
    assert "2 项未填写" in svg and "nan" not in svg
    usage = client.get("/statistics/chart/system_usage.svg").text
    assert "2 项未填写" in usage
    assert client.get("/statistics/chart/items_by_status.svg").text.count("项未填写") == 0
    assert client.get("/statistics/chart/department_costs.png").status_code == 200


def test_the_table_and_the_xlsx_say_unfilled_and_how_many(college, client_as):
    client = client_as("leader")
    page = client.get("/statistics/").text
    section = page[page.index('id="figure-system_costs"') : page.index('id="figure-department')]
    assert "2 项未填写" in section
    row = section[section.index("<td>乙系统</td>") :]
    row = row[: row.index("</tr>")]
    assert '<span class="text-muted">未填写</span></td>' in row and ">0.00<" not in row
    data = client.get("/statistics/data/system_costs.xlsx").data
    lines = [r for r in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)]
    b = next(line for line in lines if line[0] == "乙系统")
    assert b[2:] == (50, "未填写")
    assert lines[-1][0] == "2 项未填写"


def test_cards_and_home_sum_what_is_known_and_count_the_blanks(college):
    leader = f.user(college, "leader")
    by_key = {c.key: c for c in cards.cards(college, leader)}
    assert by_key["om_cost"].value == "10.00 万元"
    assert "2 项未填写" in by_key["om_cost"].hint
    assert "1 项未填写" in by_key["systems"].hint  # 丙's build cost
    own = {c.key: c for c in cards.cards(college, f.user(college, "contact"))}
    assert own["om_cost"].value == "10.00 万元" and "1 项未填写" in own["om_cost"].hint
    figures_ = home.key_figures(college)
    assert (figures_["om_cost"], figures_["om_unfilled"]) == (Decimal("10"), 2)


def test_cards_say_unfilled_when_no_system_gave_the_number(db_session):
    f.information_system(db_session, code="U-Z", name="无费用系统")
    db_session.commit()
    by_key = {c.key: c for c in cards.cards(db_session, f.user(db_session, "leader"))}
    assert by_key["om_cost"].value == "未填写"
    assert home.key_figures(db_session)["om_cost"] is None


def test_home_page_shows_unfilled_not_zero(db_session, client_as):
    f.information_system(db_session, code="U-Z", name="无费用系统")
    db_session.commit()
    html = client_as("leader").get("/").text
    row = html[html.index("年度运维费用合计") :][:400]
    assert "未填写" in row and "0.00" not in row and "1 项未填写" in row


def test_portfolio_says_insufficient_data_instead_of_recommending_from_blanks(college):
    admin = f.user(college, "admin")
    got = {i.system.code: i for i in portfolio.systems(college, admin)}
    assert got["U-A"].recommendation == "keep"
    for code in ("U-B", "U-C"):
        insight = got[code]
        assert insight.recommendation == "insufficient", code
        assert insight.recommendation_label == "数据不足"
        assert insight.functional is None and insight.technical is None
        assert "数据不足" in insight.reason and "未填写" in insight.reason
        assert "得 0 分" not in insight.reason, "a blank is never scored as 0"
    assert "日均操作活跃度" in got["U-B"].reason
    summary = portfolio.report(college, admin)["summary"]
    assert summary["insufficient"] == 2 and summary["retire"] == 0
    with pytest.raises(DomainError, match="数据不足"):
        portfolio.open_finding_task(college, admin, "recommendation", got["U-B"].system.id)


def test_portfolio_page_shows_insufficient_data_and_unfilled(college, client_as):
    page = client_as("leader").get("/portfolio/").text
    row = page[page.index('data-system="U-B"') :]
    row = row[: row.index("</tr>")]
    assert "数据不足" in row
    assert '<td class="fit-functional">未填写</td>' in row
    assert '<td class="fit-technical">未填写</td>' in row


def test_a_records_page_shows_a_blank_number_as_unfilled(college, client_as):
    system = college.query(InformationSystem).filter_by(code="U-B").one()
    page = client_as("admin").get(f"/informationsystemview/show/{system.id}").text
    label = "年度运维费用（万元）"
    assert label in page
    after = page[page.index(label) :][:300]
    assert "未填写" in after
