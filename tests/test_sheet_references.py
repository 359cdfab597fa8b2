"""What a row names by code or name: a pre-filled template that names another department's
unapproved hosting system goes back in untouched; an ambiguous name is called ambiguous."""

import io

from openpyxl import load_workbook

from app.models import ServiceItem
from app.services.sheets import exporter as sheet_export
from app.services.sheets import importer as sheet_import
from tests import factories as f


def _template(session, role="contact"):
    data = sheet_export.template_workbook(session, f.user(session, role), "items")[1]
    session.commit()
    return data


def _with(data, code, header, value):
    book = load_workbook(io.BytesIO(data))
    ws = book["服务事项"]
    headers = [c.value for c in ws[2]]
    row = next(r for r in ws.iter_rows(min_row=3) if r[0].value == code)
    row[headers.index(header)].value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _import(session, data):
    report = sheet_import.run_import(session, data, f.user(session, "contact"))
    session.rollback()
    return report


def test_an_untouched_template_naming_another_departments_draft_host_imports(db_session):
    host = f.complete_system(db_session, code="SYS-T02-1", dept="T02", name="他部门系统")
    f.complete_item(db_session, code="SI-HOSTED-1", hosting_system=host)
    f.complete_item(db_session, code="SI-OWN-2")
    db_session.commit()
    data = _template(db_session)
    report = _import(db_session, data)
    assert report.ok, report.errors
    assert report.total("change") == report.total("add") == 0
    report = _import(db_session, _with(data, "SI-OWN-2", "承载系统", "SYS-T02-1 他部门系统"))
    assert [(p.column, "不存在或不可选" in p.message) for p in report.errors] == [
        ("承载系统", True)
    ]
    assert db_session.query(ServiceItem).filter_by(code="SI-OWN-2").one().hosting_system is None


def test_a_system_name_two_systems_share_is_called_ambiguous(db_session):
    f.complete_system(db_session, code="SYS-A-1", name="学工系统")
    f.complete_system(db_session, code="SYS-A-2", name="学工系统")
    f.complete_item(db_session, code="SI-AMB-1")
    db_session.commit()
    report = _import(db_session, _with(_template(db_session), "SI-AMB-1", "承载系统", "学工系统"))
    (problem,) = report.errors
    assert problem.column == "承载系统" and "多个系统名为“学工系统”" in problem.message


def test_an_older_file_over_newer_edits_is_refused_naming_the_row_who_and_when(db_session):
    item = f.complete_item(db_session, code="SI-VER-1")
    f.complete_item(db_session, code="SI-VER-2")
    db_session.commit()
    old = _template(db_session)
    item.tips = "别人刚改过的提示"
    item.updated_by = f.user(db_session, "reviewer")
    db_session.commit()
    report = _import(
        db_session,
        _with(
            _with(old, "SI-VER-1", "办理提示", "旧文件里的提示"), "SI-VER-2", "办理路径", "新路径"
        ),
    )
    (problem,) = report.errors
    assert problem.row == 3 and problem.column == "记录版本"
    assert "t_reviewer" in problem.message and "SI-VER-1" in problem.message
    db_session.expire_all()
    assert db_session.query(ServiceItem).filter_by(code="SI-VER-2").one().path != "新路径"
    # a template downloaded now imports: it carries the current version
    assert _import(db_session, _template(db_session)).ok
