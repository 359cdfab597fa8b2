"""The real corpus (tests/data/guides.json and systems.json, each entry with its source address)
meets its goals and goes in through the real 附件2 and 附件4 import exactly as written.

The guides' six modules, materials and nodes are checked for every guide in test_guides.py;
here: the size of the corpus, a sample of named items whose time limits and audiences are read
as the words say (or said to be unreadable), and the register of real systems.
"""

import io
import json
import pathlib
from datetime import date

from openpyxl import load_workbook

from app.models import InformationSystem, ServiceItem
from app.services.sheets import importer as sheet_import
from tests import factories as f
from tests.test_guides import GUIDES, _append, _clerk_file, _template

DATA = pathlib.Path(__file__).parent / "data"
SYSTEMS = json.loads((DATA / "systems.json").read_text())["systems"]
GOALS = {"items": 40, "systems": 20}


def _systems_file(session):
    """The 附件4 template with every system of the register pasted in, blanks left blank."""
    f.department(session, "T01")
    session.commit()
    book = load_workbook(io.BytesIO(_template(session, "systems")))
    for system in SYSTEMS:
        row = {"系统编号": system["code"], "系统名称": system["name"], "所属部门": "测试教务处"}
        row |= {"开发承建厂商": system["vendor"] or None, "正式上线时间": system["go_live"] or None}
        row |= {"访问地址": system["url"] or None, "备注": system["notes"] or None}
        _append(book["管理信息系统"], row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_corpus_meets_its_goals_and_every_entry_names_its_source():
    assert len(GUIDES) >= GOALS["items"] and len(SYSTEMS) >= GOALS["systems"]
    for entry in GUIDES + SYSTEMS:
        assert entry["source"].startswith(("http://", "https://")), entry["code"]
    assert len({g["code"] for g in GUIDES}) == len(GUIDES)
    assert len({s["code"] for s in SYSTEMS}) == len(SYSTEMS)
    assert len({g["institution"].split()[0] for g in GUIDES}) >= 30, "many colleges, not one"


def test_named_items_have_their_time_limits_and_audiences_read_as_written(db_session):
    report = sheet_import.run_import(
        db_session, _clerk_file(db_session), f.user(db_session, "admin")
    )
    assert report.ok, report.errors
    db_session.commit()
    items = {i.code: i for i in db_session.query(ServiceItem)}

    def read(code):
        item = items[code]
        limit = (item.handling_type, item.promised_low, item.promised_high, item.promised_unit)
        return limit, item.user_groups, item.audience_note

    # "1-30天,根据专家验收时间而定": a range of natural days; an office is not on the list.
    assert read("GUIDE-SWJTU-01") == (("promised", 1, 30, "day"), None, "校内二级单位")
    # "在三个工作日内完成审批": three working days, written in Chinese numerals.
    assert read("GUIDE-NWPU-01") == (("promised", 3, 3, "workday"), None, None)
    assert items["GUIDE-NWPU-01"].time_limit_days == 3
    assert read("GUIDE-AHTCM-01") == (("promised", 10, 10, "workday"), "staff", None)
    # "办理周期为15-60" names no unit: kept as written, said to be unreadable, never guessed.
    assert read("GUIDE-HFNU-01") == ((None, None, None, None), "staff", None)
    assert items["GUIDE-HFNU-01"].promised_limit.endswith("办理周期为15-60")
    assert any(
        p.column == "承诺办结时限" and "15-60" in p.message and "已按原文保存" in p.message
        for p in report.warnings
    )
    # Synonyms: 师生 is three groups, 教师 and 教工 are 教职工, 硕士研究生 is 研究生.
    assert read("GUIDE-IMUT-01")[1] == "staff,undergraduate,graduate"
    assert read("GUIDE-QFNU-01")[1] == read("GUIDE-SXU-01")[1] == "staff"
    assert read("GUIDE-UJS-03")[1:] == ("graduate", None)
    # What the list does not name stays as the remainder, never dropped or forced onto it.
    assert read("GUIDE-CHZU-01")[1:] == (None, "全日制在校生")
    # A blank limit is unknown, not 0 and not 即办件.
    assert read("GUIDE-ZWU-01")[0] == (None, None, None, None)
    assert items["GUIDE-ZWU-01"].time_limit_days is None


def test_the_real_system_register_imports_as_written_and_round_trips(db_session):
    admin = f.user(db_session, "admin")
    report = sheet_import.run_import(db_session, _systems_file(db_session), admin)
    assert report.ok, report.errors
    db_session.commit()
    assert report.counts["管理信息系统"]["add"] == len(SYSTEMS)
    stored = {s.code: s for s in db_session.query(InformationSystem)}
    for system in SYSTEMS:
        record = stored[system["code"]]
        assert record.name == system["name"], system["code"]
        for key in ("url", "vendor", "notes"):
            assert getattr(record, key) == (system[key] or None), (system["code"], key)
        assert record.annual_om_cost is None and record.build_cost is None, "blank stays blank"
    ccnu = stored["SYS-CCNU-01"]
    assert (ccnu.go_live_date, ccnu.go_live_precision) == (date(2016, 9, 1), "month")
    assert stored["SYS-ZWU-01"].go_live_date is None
    again = sheet_import.run_import(db_session, _template(db_session, "systems"), admin)
    assert again.ok and again.total("add") == again.total("change") == again.total("delete") == 0
