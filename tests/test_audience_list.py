"""The audience reference list (服务对象) is data the IT office keeps under 基础设置: seeded by the
migration with the list the console had built in (codes unchanged), read by forms, labels, the
import's reading and the statistics, and changed only by the system administrator."""

import importlib
import io

import pytest
from sqlalchemy import delete, select

from app.models import AudienceGroup, ServiceItem
from app.models.audience import read_audience
from app.models.choices import AUDIENCE_SYNONYMS, BUILTIN_AUDIENCE_SYNONYMS, USER_GROUP
from app.services.catalog import audiences
from app.services.insight import statistics
from tests import factories as f

SEED = importlib.import_module("migrations.versions.0020_guides2").SEED


@pytest.fixture
def reference(db_session):
    """The table as the migration left it, restored after the test."""
    yield db_session
    db_session.rollback()
    db_session.execute(delete(AudienceGroup))
    for number, (code, label, synonyms) in enumerate(SEED):
        db_session.add(
            AudienceGroup(code=code, label=label, synonyms=synonyms, sort_order=(number + 1) * 10)
        )
    db_session.commit()
    audiences.forget()


def _rows(session):
    return session.scalars(select(AudienceGroup).order_by(AudienceGroup.sort_order)).all()


def test_the_migration_seeds_the_built_in_list_with_the_same_codes_and_synonyms(reference):
    rows = _rows(reference)
    builtin = USER_GROUP._builtin["pairs"]
    assert [(r.code, r.label) for r in rows] == [(c, str(label)) for c, label in builtin]
    table = audiences.reference_list(reference)[1]
    for word, codes in BUILTIN_AUDIENCE_SYNONYMS.items():
        if word in dict((str(label), c) for c, label in builtin):
            continue  # a label needs no synonym
        assert set(table[word]) == set(codes), word
    assert set(table["在校学生"]) == {"undergraduate", "graduate"}


def test_what_the_it_office_adds_is_read_by_labels_the_import_and_forms(reference):
    reference.add(
        AudienceGroup(
            code="visitor", label="访问学者", synonyms="访问教师、进修教师", sort_order=95
        )
    )
    reference.flush()
    assert "visitor" in USER_GROUP and USER_GROUP.labels("staff,visitor") == "教职工、访问学者"
    assert AUDIENCE_SYNONYMS["进修教师"] == ("visitor",)
    read = read_audience("教工、进修教师、外籍专家")
    assert read.codes == "staff,visitor" and read.note == "外籍专家"
    # A row switched off is no longer offered, but old records still read its label.
    row = reference.scalars(select(AudienceGroup).filter_by(code="visitor")).one()
    row.active = False
    reference.flush()
    assert "visitor" not in USER_GROUP.codes
    assert read_audience("进修教师").codes is None
    assert USER_GROUP.label("parent") == "家长"
    row.active = True
    row.label = "访问学者（含进修）"
    reference.flush()
    assert USER_GROUP.label("visitor") == "访问学者（含进修）"


def test_statistics_count_items_by_the_list(reference):
    f.service_item(reference, code="SI-A1", user_groups="staff,undergraduate")
    f.service_item(reference, code="SI-A2", user_groups="undergraduate", audience_note="进修生")
    f.service_item(reference, code="SI-A3", audience_note="外籍专家")
    f.service_item(reference, code="SI-A4")
    reference.add(AudienceGroup(code="visitor", label="访问学者", sort_order=95))
    reference.flush()
    admin = f.user(reference, "admin")
    rows = {r["label"]: r["items"] for r in statistics.items_by_audience(reference, admin)}
    assert rows["教职工"] == 1 and rows["本科生"] == 2 and rows["研究生"] == 0
    assert rows["访问学者"] == 0
    assert rows["仅名单外对象"] == 1 and rows["未填写"] == 1


def test_only_the_system_administrator_keeps_the_list(client_as, reference):
    admin = client_as("admin")
    page = admin.get("/audiencegroupview/list/")
    assert page.status_code == 200 and "教职工" in page.text and "在校学生" in page.text
    response = admin.post(
        "/audiencegroupview/add",
        data={
            "code": "visitor",
            "label": "访问学者",
            "synonyms": "访问教师",
            "sort_order": "95",
            "active": "y",
        },
        follow_redirects=True,
    )
    assert response.status_code == 200
    row = reference.scalars(select(AudienceGroup).filter_by(code="visitor")).one()
    assert row.synonym_words() == ["访问教师"]
    refused = admin.post(
        "/audiencegroupview/add", data={"code": "Visitor 2", "label": "其他", "sort_order": "1"}
    )
    assert "编码只能是英文小写字母" in refused.text
    edit = admin.get(f"/audiencegroupview/edit/{row.id}").text
    assert 'name="label"' in edit and 'name="code"' not in edit
    for role in ("contact", "reviewer"):
        other = client_as(role)
        assert other.post(
            "/audiencegroupview/add", data={"code": "x_y", "label": "某某", "sort_order": "1"}
        ).status_code in (302, 403)
        assert reference.scalars(select(AudienceGroup).filter_by(code="x_y")).first() is None


def test_the_excel_import_reads_audiences_by_the_list_the_it_office_keeps(reference):
    """A synonym added under 基础设置 is read by the next import; a word on no list stays in the
    free remainder (其他使用人群), never dropped."""
    from openpyxl import load_workbook

    from tests.test_guides import _append, _import, _template

    reference.add(
        AudienceGroup(code="visitor", label="访问学者", synonyms="进修教师", sort_order=95)
    )
    f.department(reference, "T01")
    reference.commit()
    book = load_workbook(io.BytesIO(_template(reference)))
    _append(
        book["服务事项"],
        {
            "事项编码": "SI-AUD-1",
            "事项名称": "进修教师住宿申请",
            "所属部门": "测试教务处",
            "事项类型": "服务类",
            "运行状态": "良好",
            "使用人群": "教工、进修教师、外籍专家",
        },
    )
    buffer = io.BytesIO()
    book.save(buffer)
    _import(reference, buffer.getvalue())
    item = reference.scalars(select(ServiceItem).filter_by(code="SI-AUD-1")).one()
    assert (item.user_groups, item.audience_note) == ("staff,visitor", "外籍专家")
