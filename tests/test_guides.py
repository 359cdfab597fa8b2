"""Real service guides (tests/data/guides.json, each with its source address) go in whole.

A clerk pastes each guide into the 附件2 template as the college published it: every module
arrives as written, the time limits and audiences are read into their structure (what cannot be
read is said, and kept), materials' forms are sets, and export → import changes nothing.
"""

import io
import json
import pathlib
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from app.models import InformationSystem, Material, ProcessNode, ServiceItem
from app.services.sheets import exporter as sheet_export
from app.services.sheets import importer as sheet_import
from tests import factories as f

GUIDES = json.loads((pathlib.Path(__file__).parent / "data" / "guides.json").read_text())["items"]
MODULES = {
    "办理要件（办理条件）": "conditions",
    "办理路径": "path",
    "咨询渠道": "consultation",
    "承诺办结时限": "promised_limit",
    "办理时段": "service_hours",
    "办理提示": "tips",
}


def _template(session, code="items"):
    _name, data = sheet_export.template_workbook(session, f.user(session, "admin"), code, "T01")
    session.commit()
    return data


def _append(ws, values):
    headers = [c.value for c in ws[2]]
    ws.append([values.get(h) for h in headers])


def _clerk_file(session):
    """The template with every guide pasted in, blank cells left blank."""
    f.department(session, "T01")
    session.commit()
    book = load_workbook(io.BytesIO(_template(session)))
    for guide in GUIDES:
        row = {"事项编码": guide["code"], "事项名称": guide["name"], "所属部门": "测试教务处"}
        row |= {"事项类型": guide["kind"], "运行状态": "良好", "使用人群": guide["audience"]}
        row |= {header: guide[key] or None for header, key in MODULES.items()}
        _append(book["服务事项"], row)
        for position, material in enumerate(guide["materials"], 1):
            _append(
                book["申报材料"],
                {
                    "事项编码": guide["code"],
                    "序号": position,
                    "材料名称": material["name"],
                    "材料形式": material["form"] or None,
                },
            )
        for position, node in enumerate(guide["nodes"], 1):
            _append(
                book["流转环节"],
                {
                    "事项编码": guide["code"],
                    "顺序": position,
                    "环节名称": node["name"],
                    "环节类型": node["kind"],
                    "环节时限": node["time_limit"] or None,
                },
            )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _import(session, data):
    report = sheet_import.run_import(session, data, f.user(session, "admin"))
    assert report.ok, report.errors
    session.commit()
    return report


def _everything(session):
    """Every stored field of the items and their children, to compare before and after."""
    session.expire_all()
    return [
        {c.key: getattr(record, c.key) for c in model.__table__.columns} | {"model": model.__name__}
        for model in (ServiceItem, Material, ProcessNode)
        for record in session.query(model).order_by(model.id)
    ]


def test_real_guides_import_as_written_with_their_time_limits_and_audiences_read(db_session):
    report = _import(db_session, _clerk_file(db_session))
    assert report.counts["服务事项"]["add"] == len(GUIDES)
    unread = {p.row for p in report.warnings if p.column == "承诺办结时限"}
    assert len(unread) == sum(1 for g in GUIDES if not g["expect"]["understood"])
    for guide in GUIDES:
        item = db_session.query(ServiceItem).filter_by(code=guide["code"]).one()
        for key in MODULES.values():
            assert getattr(item, key) == (guide[key] or None), (guide["code"], key)
        expect = guide["expect"]
        assert item.handling_type == expect["handling"], guide["code"]
        assert (item.promised_low, item.promised_high, item.promised_unit) == (
            expect["low"],
            expect["high"],
            expect["unit"],
        ), guide["code"]
        assert item.time_limit_days == (expect["high"] if expect["unit"] == "workday" else None)
        assert (item.user_groups, item.audience_note) == (expect["codes"], expect["note"])
        assert [m.name for m in item.materials] == [m["name"] for m in guide["materials"]]
        assert all(m.copies is None for m in item.materials), "blank copies stay blank"
        assert [n.time_limit for n in item.nodes] == [
            n["time_limit"] or None for n in guide["nodes"]
        ]


def test_unread_time_limits_are_named_in_the_report_and_kept(db_session):
    report = _import(db_session, _clerk_file(db_session))
    messages = [p.message for p in report.warnings if p.column == "承诺办结时限"]
    assert any("每月补办一次（寒暑假除外）" in m and "已按原文保存" in m for m in messages)
    node = db_session.query(ProcessNode).filter_by(time_limit="次日").one()
    assert node.time_limit_days is None and node.time_limit_unit is None
    assert any(p.column == "环节时限" and "次日" in p.message for p in report.warnings)


def test_material_forms_are_sets_read_from_the_guides_words(db_session):
    _import(db_session, _clerk_file(db_session))
    forms = {m.name: m.form for m in db_session.query(Material)}
    assert forms["身份证复印件"] == "copy"
    assert forms["蓝底免冠电子照片"] == "electronic"
    assert forms["上网人员信息汇总表（部门主管领导签字盖章）"] == "original"
    assert forms["一寸蓝底照片"] is None


def test_real_guides_survive_export_then_import_without_any_change(db_session):
    _import(db_session, _clerk_file(db_session))
    before = _everything(db_session)
    for _ in range(2):
        report = _import(db_session, _template(db_session))
        assert report.total("add") == report.total("change") == report.total("delete") == 0
        assert report.total("same") == len(before)
    assert _everything(db_session) == before


def test_a_time_limit_changed_in_the_file_is_read_again(db_session):
    _import(db_session, _clerk_file(db_session))
    book = load_workbook(io.BytesIO(_template(db_session)))
    ws = book["服务事项"]
    headers = [c.value for c in ws[2]]
    row = next(r for r in ws.iter_rows(min_row=3) if r[0].value == "GUIDE-HDU-01")
    row[headers.index("承诺办结时限")].value = "1-30天"
    row[headers.index("办件类型")].value = None
    buffer = io.BytesIO()
    book.save(buffer)
    report = _import(db_session, buffer.getvalue())
    assert report.total("change") == 1
    item = db_session.query(ServiceItem).filter_by(code="GUIDE-HDU-01").one()
    assert (item.promised_low, item.promised_high, item.promised_unit) == (1, 30, "day")
    assert item.handling_type == "promised" and item.time_limit_days is None


def _systems_file(session, rows):
    book = load_workbook(io.BytesIO(_template(session, "systems")))
    for row in rows:
        base = {"系统编号": "SYS-G-1", "系统名称": "学工管理系统", "所属部门": "测试教务处"}
        _append(book["管理信息系统"], base | row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_money_is_in_wan_yuan_and_an_amount_only_plausible_in_yuan_is_refused(db_session):
    f.department(db_session, "T01")
    db_session.commit()
    data = _systems_file(db_session, [{"年度运维费用（万元）": "1,200,000.00"}])
    report = sheet_import.run_import(db_session, data, f.user(db_session, "admin"))
    db_session.rollback()
    (problem,) = report.errors
    assert problem.column == "年度运维费用（万元）" and "万元" in problem.message
    assert "120.00" in problem.message  # what it would be if the clerk meant 元
    assert db_session.query(InformationSystem).count() == 0
    data = _systems_file(
        db_session, [{"年度运维费用（万元）": "1,200,000元", "项目建设总经费（万元）": "85万元"}]
    )
    _import(db_session, data)
    system = db_session.query(InformationSystem).one()
    assert (system.annual_om_cost, system.build_cost) == (Decimal("120.00"), Decimal("85.00"))


def test_a_go_live_given_as_a_year_or_a_month_keeps_its_precision(db_session):
    f.department(db_session, "T01")
    db_session.commit()
    _import(db_session, _systems_file(db_session, [{"正式上线时间": "2019年"}]))
    system = db_session.query(InformationSystem).one()
    assert (system.go_live_date, system.go_live_precision) == (date(2019, 1, 1), "year")
    book = load_workbook(io.BytesIO(_template(db_session, "systems")))
    ws = book["管理信息系统"]
    headers = [c.value for c in ws[2]]
    assert ws.cell(3, headers.index("正式上线时间") + 1).value == "2019年"
    report = _import(db_session, _template(db_session, "systems"))
    assert report.total("change") == 0 and report.total("same") == 1
    ws.cell(3, headers.index("正式上线时间") + 1).value = "2019年9月"
    buffer = io.BytesIO()
    book.save(buffer)
    _import(db_session, buffer.getvalue())
    db_session.expire_all()
    system = db_session.query(InformationSystem).one()
    assert (system.go_live_date, system.go_live_precision) == (date(2019, 9, 1), "month")
