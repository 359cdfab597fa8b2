"""Training results from a sheet (art. 18): the IT office downloads the template, fills a
session's attendance and assessment, previews it and imports it all or nothing; every problem
is named by row and column in Chinese; the same file twice changes nothing; what it imports
opens the gate of the trained roles."""

import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from app.models import AuditEntry, ConsoleUser, TrainingRecord
from app.security.roles import REVIEWER
from app.services.access import training
from app.services.errors import PermissionDeniedError
from app.services.sheets import training as training_sheet
from tests import factories as f

SHEET = "培训考核"
TODAY = date.today()
SESSION = "2026年网上办事大厅审核员培训"


@pytest.fixture
def users(db_session):
    return {role: f.user(db_session, role) for role in f.ROLE_USERS}


@pytest.fixture
def staff_no(db_session):
    """t_procadmin with the staff number 20260001 for the test's length."""
    user = f.user(db_session, "process_admin")
    user.staff_no = "20260001"
    db_session.commit()
    yield user.staff_no
    db_session.rollback()
    f.user(db_session, "process_admin").staff_no = None
    db_session.commit()


def _template(db_session, users):
    name, data = training_sheet.template_workbook(db_session, users["admin"])
    assert name.endswith(".xlsx")
    return data


def _filled(template, rows):
    """The downloaded template with `rows` below its header, as the IT office fills it."""
    book = load_workbook(io.BytesIO(template))
    sheet = book[SHEET]
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _errors(report):
    return [(p.row, p.column, p.message) for p in report.errors]


def test_the_template_has_the_record_labels_and_an_instructions_sheet(db_session, users):
    book = load_workbook(io.BytesIO(_template(db_session, users)))
    assert book.sheetnames == ["填写说明", SHEET]
    header = [c.value for c in book[SHEET][2]]
    assert header == [
        "统一身份认证账号",
        "工号",
        "姓名",
        "培训名称",
        "培训日期",
        "考核合格",
        "考核成绩",
        "有效期至",
    ]
    notes = " ".join(str(r[0].value) for r in book["填写说明"].iter_rows(min_row=3))
    assert "审核员" in notes and "60 分及以上为合格" in notes


def test_rows_by_account_or_staff_number_are_imported_and_open_the_gate(
    db_session, users, staff_no
):
    data = _filled(
        _template(db_session, users),
        [
            ("t_reviewer", None, "测试t_reviewer", SESSION, TODAY.isoformat(), "是", 92, None),
            (None, staff_no, "测试t_procadmin", SESSION, TODAY, None, 75, None),
            ("t_leader", None, "测试t_leader", SESSION, TODAY, None, 40, None),
            ("wangwu", None, "王五", SESSION, TODAY, "否", None, None),
        ],
    )
    with pytest.raises(PermissionDeniedError):
        training_sheet.run_import(db_session, data, users["contact"])
    report = training_sheet.run_import(db_session, data, users["admin"])
    assert report.ok, _errors(report)
    assert report.total("add") == 4 and report.rows == 4
    assert [(p.row, p.column) for p in report.warnings] == [(6, "统一身份认证账号")]
    assert "尚未登录过本系统" in report.warnings[0].message
    db_session.commit()
    records = {r.username: r for r in db_session.query(TrainingRecord)}
    assert records["t_procadmin"].passed is True and records["t_procadmin"].score == 75
    assert records["t_leader"].passed is False  # 40 < 60: the score decides
    assert records["wangwu"].passed is False
    training.ensure_may_grant(db_session, "t_reviewer", [REVIEWER])
    assert training.valid_training(db_session, "t_leader") is None
    summaries = [e.summary for e in db_session.query(AuditEntry).filter_by(action="import")]
    assert "导入培训考核结果：新增 4，修改 0" in summaries

    again = training_sheet.run_import(db_session, data, users["admin"])
    assert again.ok and again.total("same") == 4 and not again.changes
    changed = _filled(
        _template(db_session, users),
        [("t_leader", None, "测试t_leader", SESSION, TODAY, "是", 61, None)],
    )
    report = training_sheet.run_import(db_session, changed, users["admin"])
    assert report.total("change") == 1
    fields = {label: (before, after) for label, before, after in report.changes[0].fields}
    assert fields["考核合格"] == ("否", "是") and fields["考核成绩"] == ("40", "61")


def test_every_problem_is_named_by_row_and_column_and_nothing_is_imported(
    db_session, users, staff_no
):
    later = TODAY + timedelta(days=3)
    data = _filled(
        _template(db_session, users),
        [
            ("t_handler", None, "测试t_handler", SESSION, TODAY, "是", 88, None),  # row 3: fine
            (None, None, "无账号", SESSION, TODAY, "是", None, None),
            ("t_reviewer", None, "李四", SESSION, TODAY, "是", None, None),
            (None, "99999999", "查无此人", SESSION, TODAY, "是", None, None),
            ("t_leader", staff_no, "测试t_leader", SESSION, TODAY, "是", None, None),
            ("t_contact", None, "测试t_contact", SESSION, "2026-13-01", "是", None, None),
            ("t_contact2", None, "测试t_contact2", SESSION, later, "也许", 120, None),
            ("t_auditor", None, "测试t_auditor", SESSION, TODAY, None, None, TODAY - timedelta(1)),
            ("t_handler", None, "测试t_handler", SESSION, TODAY, "否", 30, None),
            ("t_security", None, None, None, TODAY, "是", None, None),
        ],
    )
    report = training_sheet.run_import(db_session, data, users["admin"])
    found = _errors(report)
    expected = [
        (4, "统一身份认证账号", "请填写统一身份认证账号或工号。"),
        (5, "姓名", "姓名“李四”与账号“t_reviewer”的姓名“测试t_reviewer”不一致。"),
        (6, "工号", "工号“99999999”没有对应的账号，请填写统一身份认证账号。"),
        (7, "工号", "工号“20260001”对应的账号是“t_procadmin”，与填写的账号“t_leader”不一致。"),
        (8, "培训日期", "日期格式不正确，请填写如 2024-09-01。"),
        (9, "考核合格", "请填写“是”或“否”。"),
        (10, "考核合格", "请填写“考核合格”（是/否）或“考核成绩”。"),
        (10, "有效期至", "有效期至不能早于培训日期。"),
        (11, "统一身份认证账号", "与第 3 行重复（同一人、同一培训、同一日期）。"),
        (12, "姓名", "必填，不能为空。"),
        (12, "培训名称", "必填，不能为空。"),
    ]
    assert found == expected, found
    assert db_session.query(TrainingRecord).count() == 0
    fixed = _filled(
        _template(db_session, users),
        [("t_contact2", None, "测试t_contact2", SESSION, later, "是", 120, None)],
    )
    assert _errors(training_sheet.run_import(db_session, fixed, users["admin"])) == [
        (3, "考核成绩", "考核成绩应为 0 到 100 的整数。"),
        (3, "培训日期", "培训日期不能晚于今天。"),
    ]


def test_a_file_that_is_not_the_template_is_refused_in_chinese(db_session, users):
    from openpyxl import Workbook

    from app.services.sheets.reading import SheetFileError

    book, buffer = Workbook(), io.BytesIO()
    book.save(buffer)
    with pytest.raises(SheetFileError, match="不是培训考核导入模板"):
        training_sheet.run_import(db_session, buffer.getvalue(), users["admin"])
    with pytest.raises(SheetFileError, match="不是 Excel 工作簿"):
        training_sheet.run_import(db_session, b"name,date\n", users["admin"])


def test_the_pages_preview_then_import_once_confirmed(client_as, db_session, users):
    admin = client_as("admin")
    listing = admin.get("/trainingrecordview/list/")
    assert "从 Excel 导入培训考核结果" in listing.text
    page = admin.get("/trainingrecordview/import/")
    assert page.status_code == 200 and "下载培训考核结果导入模板" in page.text
    template = admin.get("/trainingrecordview/import/template.xlsx")
    assert template.status_code == 200 and template.data[:2] == b"PK"
    data = _filled(
        template.data, [("t_reviewer", None, "测试t_reviewer", SESSION, TODAY, "是", 90, None)]
    )
    preview = admin.post(
        "/trainingrecordview/import/upload",
        data={"file": (io.BytesIO(data), "培训签到.xlsx")},
        content_type="multipart/form-data",
    )
    assert "检查通过" in preview.text and "t_reviewer" in preview.text
    assert db_session.query(TrainingRecord).count() == 0
    token = preview.text.split('name="token" value="')[1].split('"')[0]
    assert token.startswith("training-")
    assert client_as("security").post(
        "/trainingrecordview/import/confirm", data={"token": token}
    ).status_code in (302, 403, 404)
    done = admin.post("/trainingrecordview/import/confirm", data={"token": token})
    assert "导入完成：新增 1" in done.text
    db_session.expire_all()
    assert db_session.query(TrainingRecord).filter_by(username="t_reviewer").count() == 1
    bad = _filled(template.data, [("t_reviewer", None, "别人", SESSION, TODAY, "是", 90, None)])
    refused = admin.post(
        "/trainingrecordview/import/upload",
        data={"file": (io.BytesIO(bad), "错误.xlsx")},
        content_type="multipart/form-data",
    )
    assert "未导入任何数据" in refused.text and "不一致" in refused.text
    assert 'name="token"' not in refused.text
    for role in ("contact", "reviewer"):
        assert client_as(role).get("/trainingrecordview/import/").status_code in (302, 403)
    assert db_session.query(ConsoleUser).filter_by(username="t_reviewer").one()
