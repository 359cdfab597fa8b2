"""Export, then import unchanged, changes nothing: generated records with empty cells, line
breaks (a textarea's \\r\\n), 5,000-character texts and values that start with = + - @."""

import io

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from app.models import Contact, Department, InformationSystem, Material, ProcessNode, ServiceItem
from app.services.sheets import exporter as sheet_export
from app.services.sheets import importer as sheet_import
from tests import factories as f

PIECES = st.sampled_from(
    list("办理材料证明学生教职工 abcXYZ0123456789，。：；（）—“”\n") + ["\r\n"]
)
WORDS = st.lists(PIECES, min_size=1, max_size=40).map("".join)
TEXT = st.one_of(
    st.none(),
    WORDS,
    st.builds(lambda p, t: p + t, st.sampled_from(["=", "+", "-", "@"]), WORDS),
    st.builds(lambda c, n: c * n, st.sampled_from(["长", "a\r\n"]), st.integers(2000, 2500)),
)
LIMIT = st.one_of(
    st.none(),
    st.sampled_from(
        ["2个工作日", "即办", "1-30天", "每月补办一次", "=1+1", "5个工作日\r\n（不含节假日）"]
    ),
)
AUDIENCE = st.lists(st.sampled_from(["staff", "undergraduate", "parent", "retiree"]), unique=True)
SETTINGS = settings(
    max_examples=10,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a failure is shown as found
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _stored(session):
    session.expire_all()
    return [
        {c.key: getattr(r, c.key) for c in model.__table__.columns if c.key != "updated_at"}
        for model in (ServiceItem, Material, ProcessNode, InformationSystem, Department, Contact)
        for r in session.query(model).order_by(model.id)
    ]


def _round_trip(session, code):
    before = _stored(session)
    admin = f.user(session, "admin")
    data = sheet_export.template_workbook(session, admin, code, "T01")[1]
    session.commit()
    load_workbook(io.BytesIO(data))  # a file Excel can open
    report = sheet_import.run_import(session, data, admin)
    assert report.ok, report.errors
    assert report.total("add") == report.total("change") == report.total("delete") == 0, [
        (c.key, c.fields) for c in report.changes
    ]
    session.commit()
    assert _stored(session) == before


@SETTINGS
@given(
    texts=st.lists(TEXT, min_size=7, max_size=7),
    limits=st.lists(LIMIT, min_size=3, max_size=3),
    groups=AUDIENCE,
    note=st.one_of(st.none(), st.sampled_from(["访问学者", "外聘人员、访客"])),
    copies=st.one_of(st.none(), st.integers(0, 3)),
)
def test_items_with_generated_content_round_trip_exactly(
    db_session, texts, limits, groups, note, copies
):
    try:
        item = f.service_item(db_session, code="SI-RT-1", name=(texts[0] or "事项")[:120])
        keys = ("conditions", "path", "consultation", "tips", "pain_points")
        for key, text in zip(keys, texts[1:], strict=False):
            setattr(item, key, text)
        item.promised_limit, item.statutory_limit = limits[0], limits[1]
        item.user_groups, item.audience_note = ",".join(groups) or None, note
        f.material(db_session, item, name="申请表", position=1, form="original,copy", copies=copies)
        f.material(db_session, item, name=(texts[6] or "照片")[:120], position=2, form=None)
        node = f.process_node(db_session, item, name="审核", position=1, kind="review")
        node.time_limit = limits[2]
        db_session.commit()
        _round_trip(db_session, "items")
        _round_trip(db_session, "statistics")
    finally:
        db_session.rollback()
        db_session.query(ServiceItem).delete()
        db_session.commit()


@SETTINGS
@given(texts=st.lists(TEXT, min_size=3, max_size=3), groups=AUDIENCE)
def test_systems_with_generated_content_round_trip_exactly(db_session, texts, groups):
    try:
        system = f.complete_system(db_session, code="SYS-RT-1", name=(texts[0] or "系统")[:100])
        system.problem_details, system.notes = texts[1], texts[2]
        system.user_groups = ",".join(groups) or None
        db_session.commit()
        _round_trip(db_session, "systems")
    finally:
        db_session.rollback()
        db_session.query(InformationSystem).delete()
        db_session.commit()


def _short(text, n, default):
    return ((text or default).strip()[:n]).strip() or default


@SETTINGS
@given(texts=st.lists(TEXT, min_size=5, max_size=5), order=st.integers(-5, 500))
def test_departments_and_contacts_with_generated_content_round_trip_exactly(
    db_session, texts, order
):
    """附件1: the department's own row and its contacts, generated texts included."""
    dept = f.department(db_session, "T01")
    try:
        dept.name = _short(texts[0], 100, "测试教务处")
        dept.leader_in_charge = texts[1] and texts[1][:64]
        dept.sort_order = order
        f.contact(db_session, name=_short(texts[2], 64, "张老师"), post=texts[3] and texts[3][:64])
        f.contact(db_session, name="李老师", staff_no=texts[4] and _short(texts[4], 32, "1"))
        db_session.commit()
        _round_trip(db_session, "contacts")
    finally:
        db_session.rollback()
        db_session.query(Contact).delete()
        dept = f.department(db_session, "T01")
        dept.name, dept.leader_in_charge, dept.sort_order = "测试教务处", None, 0
        db_session.commit()
