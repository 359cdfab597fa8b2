"""附件1's 部门 sheet: the IT office creates a college's departments and their contacts from one
file, all or nothing, with a preview; names are never ambiguous; only the IT office writes
departments; an older file cannot overwrite newer edits; an untouched file changes nothing."""

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from app.models import Contact, Department
from app.services.sheets import exporter as sheet_export
from app.services.sheets import importer as sheet_import
from tests import factories as f

DEPARTMENTS, CONTACTS = "部门", "联系人"
KINDS = ("职能部门", "二级学院", "直属单位")


@pytest.fixture(autouse=True)
def _remove_new_departments(app, db_session):
    """The fixture departments T01 and T02 stay as they were; the ones a test adds go."""
    yield
    db_session.rollback()
    others = "SELECT id FROM department WHERE code NOT IN ('T01', 'T02')"
    db_session.execute(text(f"DELETE FROM contact WHERE department_id IN ({others})"))
    db_session.execute(text("DELETE FROM department WHERE code NOT IN ('T01', 'T02')"))
    db_session.execute(text("UPDATE department SET name = '测试教务处' WHERE code = 'T01'"))
    db_session.commit()


def _template(session, role="admin", department=None):
    data = sheet_export.template_workbook(session, f.user(session, role), "contacts", department)[1]
    session.commit()
    return load_workbook(io.BytesIO(data))


def _bytes(book):
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _append(book, sheet, **by_header):
    ws = book[sheet]
    headers = [c.value for c in ws[2]]
    ws.append([by_header.get(h) for h in headers])
    return ws.max_row


def _set(book, sheet, code_or_name, header, value):
    ws = book[sheet]
    headers = [c.value for c in ws[2]]
    for row in ws.iter_rows(min_row=3):
        if code_or_name in (row[0].value, row[1].value):
            row[headers.index(header)].value = value
            return
    raise AssertionError(code_or_name)


def _import(session, book, role="admin", dry_run=False):
    report = sheet_import.run_import(session, _bytes(book), f.user(session, role), dry_run=dry_run)
    if report.ok and not dry_run:
        session.commit()
    else:
        session.rollback()
    return report


def _college(book, count=40):
    """A college's departments and one contact each, as a clerk types them."""
    for n in range(1, count + 1):
        name = f"第{n}学院" if n % 2 else f"第{n}处"
        _append(
            book,
            DEPARTMENTS,
            部门代码=f"D{n:02d}",
            部门名称=name,
            部门类型=KINDS[n % 3],
            分管校领导="李副校长" if n % 4 else None,
            排序=n,
        )
        _append(
            book,
            CONTACTS,
            所属部门=name if n % 3 else f"D{n:02d}",
            姓名=f"联系人{n}",
            工号=f"9{n:03d}",
            联系电话="0816-2225202",
            熟悉本部门业务流程="是",
            担任管理系统实际管理员="否" if n % 5 else "是",
        )


def test_the_it_office_creates_forty_departments_and_contacts_from_one_sheet(db_session):
    """Preview changes nothing; confirming adds every row at once; the same file again, and
    the file exported afterwards, change nothing."""
    book = _template(db_session)
    assert book.sheetnames[1:3] == [DEPARTMENTS, CONTACTS]
    _college(book)
    preview = _import(db_session, book, dry_run=True)
    assert preview.ok, preview.errors
    assert preview.counts[DEPARTMENTS]["add"] == 40 and preview.counts[CONTACTS]["add"] == 40
    assert db_session.query(Department).count() == 2
    report = _import(db_session, book)
    assert report.ok and report.total("add") == 80
    assert db_session.query(Contact).filter_by(staff_no="9002").one().department.name == "第2处"
    assert db_session.query(Department).filter_by(code="D04").one().kind == "school"
    assert _import(db_session, book).changes == []
    again = _import(db_session, _template(db_session))
    assert again.ok and again.changes == [] and again.counts[DEPARTMENTS]["same"] == 42


def test_one_bad_cell_imports_nothing_and_each_error_names_its_cell(db_session):
    book = _template(db_session)
    book[DEPARTMENTS].delete_rows(4)  # T02 left out of the file: kept as it is
    _college(book, count=5)
    _set(book, DEPARTMENTS, "D02", "部门类型", "行政部门")
    row = _append(book, DEPARTMENTS, 部门代码="D01", 部门名称="重复代码")
    same_name = _append(book, DEPARTMENTS, 部门代码="D77", 部门名称="测试学生处")
    code_as_name = _append(book, DEPARTMENTS, 部门代码="D78", 部门名称="D05")
    report = _import(db_session, book)
    found = {(p.sheet, p.row, p.column): p.message for p in report.errors}
    assert "“行政部门”不是可选值" in found[(DEPARTMENTS, 5, "部门类型")]
    assert "与第 4 行重复" in found[(DEPARTMENTS, row, "部门代码")]
    assert "已被部门代码为“T02”的部门使用" in found[(DEPARTMENTS, same_name, "部门名称")]
    assert "无法确定是哪个部门" in found[(DEPARTMENTS, code_as_name, "部门名称")]
    assert db_session.query(Department).count() == 2
    assert db_session.query(Contact).count() == 0


def test_a_word_that_is_one_departments_name_and_anothers_code_is_called_ambiguous(db_session):
    """Stored data where a name is another department's code: a contact row naming it is
    refused as ambiguous (with both ways to say it), never as missing."""
    db_session.add(Department(code="测试学生处", name="学生工作部"))
    db_session.commit()
    book = _template(db_session)
    row = _append(book, CONTACTS, 所属部门="测试学生处", 姓名="周老师", 联系电话="0816-1111111")
    report = _import(db_session, book)
    (problem,) = report.errors
    assert (problem.sheet, problem.row, problem.column) == (CONTACTS, row, "所属部门")
    assert "无法确定是哪一个" in problem.message and "T02" in problem.message
    assert "不存在" not in problem.message


def test_a_contact_cannot_add_or_change_departments_but_reimports_their_own_file(db_session):
    book = _template(db_session, role="contact")
    assert [r[0].value for r in book[DEPARTMENTS].iter_rows(min_row=3)] == ["T01"]
    assert _import(db_session, book, role="contact").changes == []
    _set(book, DEPARTMENTS, "T01", "部门名称", "教务处（改）")
    row = _append(book, DEPARTMENTS, 部门代码="D90", 部门名称="新部门")
    report = _import(db_session, book, role="contact")
    messages = {p.row: p.message for p in report.errors if p.sheet == DEPARTMENTS}
    assert "只有信息中心管理员" in messages[3]
    assert "只能导入本部门" in messages[row]
    assert db_session.query(Department).filter_by(code="T01").one().name == "测试教务处"


def test_an_older_file_cannot_overwrite_a_newer_department_edit(db_session):
    book = _template(db_session)
    newer = _template(db_session)
    _set(newer, DEPARTMENTS, "T01", "分管校领导", "王校长")
    assert _import(db_session, newer).counts[DEPARTMENTS]["change"] == 1
    _set(book, DEPARTMENTS, "T01", "部门名称", "教务处")
    report = _import(db_session, book)
    (problem,) = report.errors
    assert (problem.sheet, problem.row, problem.column) == (DEPARTMENTS, 3, "记录版本")
    assert "在导出之后已被" in problem.message and "第 1 版" in problem.message
    assert db_session.query(Department).filter_by(code="T01").one().name == "测试教务处"
    assert _import(db_session, book).ok is False  # and importing it again is refused again


def test_the_page_previews_then_confirms_a_department_sheet(client_as, db_session):
    client = client_as("admin")
    book = load_workbook(io.BytesIO(client.get("/sheets/template/contacts").data))
    _college(book, count=2)
    response = client.post(
        "/sheets/upload",
        data={"file": (io.BytesIO(_bytes(book)), "contacts.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200 and "第1学院" in response.text
    db_session.expire_all()
    assert db_session.query(Department).count() == 2
    token = re.search(r'name="token" value="([^"]+)"', response.text).group(1)
    response = client.post("/sheets/confirm", data={"token": token})
    assert "导入完成" in response.text
    db_session.expire_all()
    assert {d.code for d in db_session.query(Department)} == {"T01", "T02", "D01", "D02"}
