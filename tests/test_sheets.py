"""Excel templates, import and exports (附件1-4, 一事一单): round trip, validation, scope."""

import io
import re
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from app.models import AuditEntry, Contact, InformationSystem, Material, ProcessNode, ServiceItem
from app.services.review import workflow
from app.services.sheets import exporter as sheet_export
from app.services.sheets import importer as sheet_import
from app.services.sheets.reading import SheetFileError
from tests import factories as f
from tests.factories import PASSWORD

PAYLOADS = ['=HYPERLINK("http://evil.example","点我")', "{=1+1}", "+1", "@SUM(A1)", "-2"]
PHONE_PAYLOAD = "+86 816 2225202"


def _seed(session):
    """Records of both departments: complete items (one with formula payloads), systems,
    contacts."""
    item = f.complete_item(
        session,
        code="SI-X-1",
        user_groups="undergraduate,staff",
        hosting_system=f.complete_system(session, code="SYS-X-1"),
    )
    f.complete_item(
        session,
        code="SI-X-2",
        name=PAYLOADS[0],
        pain_points=PAYLOADS[1],
        suggestions=PAYLOADS[2],
        disposition="enable",
        running_status="improve",
    )
    f.complete_contact(session, name="王老师", staff_no="1001", email="w@example.edu.cn")
    # A phone must look like one (the column's rule); "+86 ..." still starts like a formula.
    f.complete_contact(session, name=PAYLOADS[3], phone=PHONE_PAYLOAD)
    f.complete_system(
        session, code="SYS-X-2", name=PAYLOADS[0], problem_details=PAYLOADS[1], data_silo=True
    )
    f.complete_item(session, code="SI-OTHER-1", dept="T02", name="他部门事项")
    f.complete_system(session, code="SYS-OTHER-1", dept="T02", name="他部门系统")
    f.complete_contact(session, dept="T02", name="他部门联系人")
    session.commit()
    return item


def _workbook(data):
    return load_workbook(io.BytesIO(data))


def _bytes(book):
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _all_text(data, options=True):
    """Every cell's text; without `options`, not the hidden sheet of dropdown lists (which
    names every department as a possible handling department)."""
    book = _workbook(data)
    return "\n".join(
        str(c.value)
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value is not None and (options or ws.title != "选项")
    )


def _template(session, role, code, department=None):
    _name, data = sheet_export.template_workbook(session, f.user(session, role), code, department)
    session.commit()
    return data


def _import(session, data, role="contact", dry_run=False, department=None):
    report = sheet_import.run_import(
        session, data, f.user(session, role), dry_run=dry_run, department=department
    )
    if report.ok and not dry_run:
        session.commit()
    else:
        session.rollback()
    return report


def _state(session):
    """Every record's version: a change anywhere shows up here."""
    session.expire_all()
    return {
        model.__name__: sorted((r.id, r.version) for r in session.query(model))
        for model in (ServiceItem, Material, ProcessNode, InformationSystem, Contact)
    }


def _problems(report):
    return {(p.sheet, p.row, p.column) for p in report.errors}


@pytest.mark.parametrize("code", ["contacts", "items", "statistics", "systems"])
def test_each_template_round_trips_without_any_change(db_session, code):
    """Download the pre-filled template, import it unchanged: nothing changes (twice)."""
    _seed(db_session)
    before = _state(db_session)
    audit_before = db_session.query(AuditEntry).count()
    data = _template(db_session, "contact", code)
    for _ in range(2):
        report = _import(db_session, data)
        assert report.ok, report.problems
        assert report.total("same") > 0
        assert report.total("add") == report.total("change") == report.total("delete") == 0
        assert report.changes == []
    assert _state(db_session) == before
    # Only the download's export event was written, no record change.
    entries = db_session.query(AuditEntry).filter(AuditEntry.seq > 0).count() - audit_before
    assert entries == 1


def test_template_has_instructions_dropdowns_and_prefilled_own_rows(db_session):
    """The items template: instructions sheet, list validations on every enumerated column,
    the department's items, materials and nodes; no other department's data."""
    _seed(db_session)
    data = _template(db_session, "contact", "items")
    book = _workbook(data)
    assert book.sheetnames[:4] == ["填写说明", "服务事项", "申报材料", "流转环节"]
    assert "按“事项编码”" in _all_text(data)
    items = book["服务事项"]
    headers = [c.value for c in items[2]]
    validated = {
        headers[rng.min_col - 1]
        for dv in items.data_validations.dataValidation
        for rng in dv.sqref.ranges
    }
    assert {
        "所属部门",
        "事项类型",
        "运行状态",
        "承载系统",
        "办件类型",
        "待改进事项处置",
    } <= validated
    nodes = book["流转环节"]
    node_headers = [c.value for c in nodes[2]]
    assert {
        node_headers[rng.min_col - 1]
        for dv in nodes.data_validations.dataValidation
        for rng in dv.sqref.ranges
    } >= {"环节类型", "办理部门"}
    codes = [row[0].value for row in items.iter_rows(min_row=3)]
    assert codes == ["SI-X-1", "SI-X-2"]
    assert "SI-OTHER-1" not in _all_text(data) and "他部门" not in _all_text(data)
    assert book["选项"].sheet_state == "hidden"


def test_import_dry_run_previews_then_applies_once_and_is_idempotent(db_session):
    """A dry run reports additions and changes but writes nothing; the real run applies them in
    one go and is audited; the same file again changes nothing."""
    _seed(db_session)
    # The audit log outlives each test (nothing may delete from it): count this test's entries.
    imports_before = db_session.query(AuditEntry).filter_by(action="import").count()
    book = _workbook(_template(db_session, "contact", "items"))
    items = book["服务事项"]
    headers = [c.value for c in items[2]]
    items.cell(3, headers.index("承诺办结时限") + 1, "7个工作日")
    new_row = items.max_row + 1
    new_values = {
        "事项编码": "SI-NEW-1",
        "事项名称": "新增事项",
        "所属部门": "测试教务处",
        "事项类型": "审批类",
        "运行状态": "良好",
        "使用人群": "学生、教职工",
    }
    for header, value in new_values.items():
        items.cell(new_row, headers.index(header) + 1, value)
    materials = book["申报材料"]
    materials.append(["SI-NEW-1", 1, "身份证", "是", "原件", 1, None, None])
    data = _bytes(book)
    before = _state(db_session)

    imports_before = db_session.query(AuditEntry).filter_by(action="import").count()
    report = _import(db_session, data, dry_run=True)
    assert report.ok, report.problems
    assert report.counts["服务事项"]["add"] == 1 and report.counts["服务事项"]["change"] == 1
    assert report.counts["申报材料"]["add"] == 1
    change = next(c for c in report.changes if c.action == "change")
    # The words as written, each with what the console reads from them.
    assert (
        change.key == "SI-X-1"
        and (
            "承诺办结时限",
            "3个工作日（读作：3 工作日）",
            "7个工作日（读作：7 工作日）",
        )
        in change.fields
    )
    assert _state(db_session) == before

    report = _import(db_session, data)
    assert report.ok
    db_session.expire_all()
    new = db_session.query(ServiceItem).filter_by(code="SI-NEW-1").one()
    assert new.kind == "approval" and set(new.user_groups.split(",")) == {
        "undergraduate",
        "graduate",
        "staff",
    }
    assert [m.name for m in new.materials] == ["身份证"] and new.materials[0].form == "original"
    assert db_session.query(ServiceItem).filter_by(code="SI-X-1").one().time_limit_days == 7
    assert db_session.query(AuditEntry).filter_by(action="import").count() == imports_before + 1
    assert (
        db_session.query(AuditEntry).filter_by(action="create", record_type="service_item").count()
        >= 1
    )

    after = _state(db_session)
    report = _import(db_session, data)
    assert report.ok and report.changes == []
    assert _state(db_session) == after


def test_removed_child_rows_are_deleted_and_items_absent_from_a_child_sheet_keep_theirs(db_session):
    """The material rows given for an item are its whole list; other items are untouched."""
    _seed(db_session)
    book = _workbook(_template(db_session, "contact", "items"))
    nodes = book["流转环节"]
    for index in range(nodes.max_row, 2, -1):
        if nodes.cell(index, 1).value == "SI-X-1" and nodes.cell(index, 2).value == 2:
            nodes.delete_rows(index)
    materials = book["申报材料"]
    for index in range(materials.max_row, 2, -1):
        if materials.cell(index, 1).value == "SI-X-2":
            materials.delete_rows(index)
    report = _import(db_session, _bytes(book))
    assert report.ok, report.problems
    assert report.counts["流转环节"]["delete"] == 1 and report.counts["申报材料"]["delete"] == 0
    db_session.expire_all()
    item = db_session.query(ServiceItem).filter_by(code="SI-X-1").one()
    assert [n.position for n in item.nodes] == [1]
    other = db_session.query(ServiceItem).filter_by(code="SI-X-2").one()
    assert len(other.materials) == 1


def test_a_file_with_errors_changes_nothing_and_names_every_bad_cell(db_session):
    """Every bad cell is reported with sheet, row, column and a Chinese reason; the valid rows
    of the same file are not applied."""
    _seed(db_session)
    book = _workbook(_template(db_session, "contact", "items"))
    items = book["服务事项"]
    headers = [c.value for c in items[2]]

    def put(row, header, value):
        items.cell(row, headers.index(header) + 1, value)

    put(3, "承诺办结时限", "9个工作日")  # a valid change that must not be applied
    put(4, "事项类型", "不存在的类型")
    put(4, "办件类型", "加急件")
    row = items.max_row + 1
    for header, value in {
        "事项编码": "SI-BAD-1",
        "所属部门": "测试学生处",
        "事项类型": "服务类",
        "运行状态": "良好",
        "承诺办结时限": "天" * 300,
        "责任岗位": "岗" * 65,
        "承载系统": "SYS-NOPE",
    }.items():
        put(row, header, value)
    put(row + 1, "事项编码", "SI-BAD-2")
    put(row + 1, "事项名称", "公式事项")
    put(row + 1, "所属部门", "测试教务处")
    put(row + 1, "事项类型", "服务类")
    put(row + 1, "运行状态", "良好")
    items.cell(row + 1, headers.index("办理提示") + 1).value = "=1+1"
    book["申报材料"].append(["SI-NOWHERE", 1, "表格", "是", "原件", 1, None, None])
    book["流转环节"].append(["SI-X-1", "一", "审核", "审核", "无此部门", None, None, None])
    before = _state(db_session)

    report = _import(db_session, _bytes(book))
    assert not report.ok
    found = _problems(report)
    expected = {
        ("服务事项", 4, "事项类型"),
        ("服务事项", 4, "办件类型"),
        ("服务事项", row, "事项名称"),
        ("服务事项", row, "所属部门"),
        ("服务事项", row, "承诺办结时限"),
        ("服务事项", row, "责任岗位"),
        ("服务事项", row, "承载系统"),
        ("服务事项", row + 1, "办理提示"),
        ("申报材料", book["申报材料"].max_row, "事项编码"),
        ("流转环节", book["流转环节"].max_row, "顺序"),
        ("流转环节", book["流转环节"].max_row, "办理部门"),
    }
    assert expected <= found, found - expected
    messages = {(p.sheet, p.row, p.column): p.message for p in report.errors}
    assert "不是可选值" in messages[("服务事项", 4, "事项类型")]
    assert "不是可选值" in messages[("服务事项", 4, "办件类型")]
    assert "必填" in messages[("服务事项", row, "事项名称")]
    assert "本部门" in messages[("服务事项", row, "所属部门")]
    assert "255" in messages[("服务事项", row, "承诺办结时限")]
    assert "64" in messages[("服务事项", row, "责任岗位")]
    assert "公式" in messages[("服务事项", row + 1, "办理提示")]
    assert _state(db_session) == before


def test_one_bad_cell_of_a_new_item_is_one_error_not_one_more_per_material_or_node(db_session):
    """A new item refused for one cell: its materials and nodes are not also reported as
    naming a missing item; the file changes nothing."""
    _seed(db_session)
    book = _workbook(_template(db_session, "contact", "items"))
    items = book["服务事项"]
    headers = [c.value for c in items[2]]
    row = items.max_row + 1
    for header, value in {
        "事项编码": "SI-NEW-1",
        "事项名称": "补办学生证",
        "所属部门": "测试教务处",
        "事项类型": "服务类",
        "运行状态": "良好",
        "办件类型": "加急件",
    }.items():
        items.cell(row, headers.index(header) + 1, value)
    book["申报材料"].append(["SI-NEW-1", 1, "身份证", "是", "原件及复印件", None, None, None])
    book["流转环节"].append(["SI-NEW-1", 1, "提交申请", "提交", None, None, None, None])
    book["流转环节"].append(["SI-NOWHERE", 1, "提交申请", "提交", None, None, None, None])
    before = _state(db_session)

    report = _import(db_session, _bytes(book))
    nowhere = book["流转环节"].max_row
    assert _problems(report) == {("服务事项", row, "办件类型"), ("流转环节", nowhere, "事项编码")}
    assert _state(db_session) == before


def test_submitted_records_are_left_alone_and_approved_ones_become_new_drafts(db_session):
    """Workflow rules hold for imports: a submitted record is reported, not changed; changing
    an approved record starts a new draft while its approved version stays."""
    item = _seed(db_session)
    contact, reviewer = f.user(db_session, "contact"), f.user(db_session, "reviewer")
    other = db_session.query(ServiceItem).filter_by(code="SI-X-2").one()
    workflow.submit(db_session, item, contact)
    workflow.submit(db_session, other, contact)
    workflow.approve(db_session, other, reviewer, PASSWORD)
    db_session.commit()
    book = _workbook(_template(db_session, "contact", "statistics"))
    ws = book.worksheets[1]
    headers = [c.value for c in ws[2]]
    for row in ws.iter_rows(min_row=3):
        row[headers.index("线上办理入口")].value = "融合门户—新入口"
    report = _import(db_session, _bytes(book))
    assert report.ok, report.problems
    assert report.total("skip") == 1 and report.total("change") == 1
    assert any("已提交审核" in p.message and "SI-X-1" in p.message for p in report.warnings)
    db_session.expire_all()
    assert db_session.get(ServiceItem, item.id).online_entry != "融合门户—新入口"
    fresh = db_session.get(ServiceItem, other.id)
    assert fresh.online_entry == "融合门户—新入口"
    assert fresh.status == "draft" and fresh.approved_version_no == 1


def test_a_contact_imports_only_into_their_own_department(db_session):
    """A row naming another department, or a code another department uses, is an error."""
    _seed(db_session)
    book = _workbook(_template(db_session, "contact", "systems"))
    ws = book.worksheets[1]
    ws.append(["SYS-OTHER-1", "改他部门系统", "测试教务处"])
    ws.append(["SYS-X-9", "新系统", "测试学生处"])
    report = _import(db_session, _bytes(book))
    assert {(p.row, p.column) for p in report.errors} == {
        (ws.max_row - 1, "系统编号"),
        (ws.max_row, "所属部门"),
    }
    assert db_session.query(InformationSystem).filter_by(code="SYS-X-9").count() == 0


def test_contacts_match_by_staff_number_or_name(db_session):
    """Contacts have no code: the staff number, else the name, within the department."""
    _seed(db_session)
    book = _workbook(_template(db_session, "contact", "contacts"))
    ws = book["联系人"]
    headers = [c.value for c in ws[2]]
    for row in ws.iter_rows(min_row=3):
        if row[headers.index("工号")].value == "1001":
            row[headers.index("姓名")].value = "王老师（改名）"
    ws.append(["测试教务处", "新联系人", None, "科员", "0816-0000000", None, "是", "否"])
    report = _import(db_session, _bytes(book))
    assert report.ok, report.problems
    assert report.counts["联系人"] == {"add": 1, "change": 1, "delete": 0, "same": 1, "skip": 0}
    assert db_session.query(Contact).filter_by(staff_no="1001").one().name == "王老师（改名）"
    assert _import(db_session, _bytes(book)).changes == []


def _zip(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _plain_workbook():
    book = Workbook()
    book.active.title = "Sheet1"
    book.active.append(["名称", "值"])
    return _bytes(book)


@pytest.mark.parametrize(
    "data,message",
    [
        (b"name,value\n1,2\n", "不是 Excel 工作簿"),
        (b"PK\x03\x04" + b"\x00" * 200, "损坏"),
        (_zip({"[Content_Types].xml": "<x/>", "xl/workbook.xml": "不是 XML"}), "损坏"),
        (b"", "为空"),
        (_plain_workbook(), "不是本系统的导入模板"),
        (b"x" * (20 * 1024 * 1024 + 1), "20 MB"),
    ],
)
def test_unusable_files_are_refused_with_a_clear_message(db_session, data, message):
    with pytest.raises(SheetFileError) as error:
        sheet_import.run_import(db_session, data, f.user(db_session, "contact"))
    assert message in str(error.value)


def test_a_zip_that_is_not_a_workbook_and_a_template_with_changed_headers_are_refused(db_session):
    _seed(db_session)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<x/>")
    with pytest.raises(SheetFileError, match="不是 Excel 工作簿"):
        sheet_import.run_import(db_session, buffer.getvalue(), f.user(db_session, "contact"))
    book = _workbook(_template(db_session, "contact", "systems"))
    book.worksheets[1].cell(2, 2).value = "别的列"
    report = _import(db_session, _bytes(book))
    assert not report.ok and "缺少列：系统名称" in report.errors[0].message


def _cells(data):
    book = _workbook(data)
    return [
        c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None
    ]


def test_exports_hold_no_formula_and_payloads_stay_text(db_session):
    """Every export and template: no formula cell anywhere; =HYPERLINK and {=1+1} are text."""
    _seed(db_session)
    admin = f.user(db_session, "admin")
    files = [
        sheet_export.export_workbook(db_session, admin, "statistics")[1],
        sheet_export.export_workbook(db_session, admin, "systems")[1],
        sheet_export.item_sheets_workbook(db_session, admin, "T01")[1],
    ]
    files += [
        sheet_export.template_workbook(db_session, admin, code)[1]
        for code in ("contacts", "items", "statistics", "systems")
    ]
    db_session.commit()
    for data in files:
        cells = _cells(data)
        assert all(c.data_type != "f" for c in cells)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/sheet"):
                    assert b"<f>" not in archive.read(name), name
    texts = {c.value for c in _cells(files[0]) + _cells(files[1]) + _cells(files[2])}
    assert "'" + PAYLOADS[0] in texts and "{=1+1}" in texts
    assert {"'@SUM(A1)", "'" + PHONE_PAYLOAD} <= {c.value for c in _cells(files[3])}
    assert "'+1" in {c.value for c in _cells(files[4])}


def test_attachment_exports_show_the_expected_cells(db_session):
    """Attachment 3 and 4 for the whole college: title, header, one row per record with labels."""
    _seed(db_session)
    exports = db_session.query(AuditEntry).filter_by(action="export").count()
    admin = f.user(db_session, "admin")
    stats = _workbook(sheet_export.export_workbook(db_session, admin, "statistics")[1])
    ws = stats.worksheets[0]
    assert ws["A1"].value.startswith("附件3") and "全校" in ws["A1"].value
    assert [c.value for c in ws[2]][:4] == ["事项编码", "线上流程名称", "所属部门", "承载系统"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=3, values_only=True)}
    assert set(rows) == {"SI-X-1", "SI-X-2", "SI-OTHER-1"}
    assert rows["SI-X-1"][2:7] == (
        "测试教务处",
        "SYS-X-1 教务管理系统",
        None,
        "本科生、教职工",
        "良好",
    )
    assert ws.page_setup.paperSize == 9 and ws.freeze_panes == "A3"
    assert ws.column_dimensions["B"].width >= 16
    systems = _workbook(sheet_export.export_workbook(db_session, admin, "systems", "T02")[1])
    rows = list(systems.worksheets[0].iter_rows(min_row=3, values_only=True))
    assert [r[0] for r in rows] == ["SYS-OTHER-1"] and rows[0][4].year == 2020
    db_session.commit()
    assert db_session.query(AuditEntry).filter_by(action="export").count() - exports == 2


def test_item_sheets_have_the_six_modules_and_the_flowchart_image(db_session):
    _seed(db_session)
    data = sheet_export.item_sheets_workbook(db_session, f.user(db_session, "contact"))[1]
    book = _workbook(data)
    assert book.sheetnames == ["SI-X-1", "SI-X-2"]
    ws = book["SI-X-1"]
    labels = [r[0] for r in ws.iter_rows(values_only=True)]
    for label in (
        "一、办理要件",
        "二、办理路径",
        "三、咨询渠道",
        "四、办理时限",
        "五、办理提示",
        "六、流程图（流转环节）",
        "流程图",
    ):
        assert label in labels
    values = {r[0]: r[1] for r in ws.iter_rows(values_only=True)}
    assert "【提交】提交申请" in values["六、流程图（流转环节）"]
    assert values["四、办理时限"] == "承诺件；承诺办结时限：3个工作日"
    assert len(ws._images) == 1
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert any(n.startswith("xl/media/") and n.endswith(".png") for n in archive.namelist())


def test_item_page_links_its_own_item_sheet(client_as, db_session):
    """The item page offers its 一事一单 as Excel; the file holds that item alone."""
    item = f.complete_item(db_session, code="SI-ONE")
    f.complete_item(db_session, code="SI-TWO")
    db_session.commit()
    contact = client_as("contact")
    page = contact.get(f"/serviceitemview/show/{item.id}").text
    link = re.search(r'href="([^"]*item_sheets[^"]*)"[^>]*>导出一事一单', page).group(1)
    response = contact.get(link.replace("&amp;", "&"))
    assert response.status_code == 200
    assert _workbook(response.data).sheetnames == ["SI-ONE"]
    leader_page = client_as("leader").get(f"/serviceitemview/show/{item.id}").text
    assert "导出一事一单" in leader_page  # leaders may export, not import


def test_a_contact_downloads_only_their_department_through_the_pages(client_as, db_session):
    """Templates and exports of a contact never hold another department's rows; asking for
    another department is refused; every download is audited."""
    _seed(db_session)
    exports = db_session.query(AuditEntry).filter_by(action="export").count()
    client = client_as("contact")
    page = client.get("/sheets/")
    assert page.status_code == 200 and "上传导入" in page.text
    urls = [f"/sheets/template/{code}" for code in ("contacts", "items", "statistics", "systems")]
    urls += ["/sheets/export/statistics", "/sheets/export/systems", "/sheets/export/item_sheets"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = _all_text(response.data, options=False)
        assert "OTHER" not in _all_text(response.data)
        assert "OTHER" not in text and "他部门" not in text and "测试学生处" not in text, url
        assert client.get(url + "?department=T02").status_code == 403, url
    written = (
        db_session.query(AuditEntry)
        .filter_by(action="export")
        .order_by(AuditEntry.seq)
        .all()[exports:]
    )
    assert len(written) == len(urls)
    assert {e.username for e in written} == {"t_contact"}


def test_leader_exports_but_cannot_import_and_reviewer_cannot_import(client_as, db_session):
    _seed(db_session)
    leader = client_as("leader")
    page = leader.get("/sheets/")
    assert page.status_code == 200 and "上传导入" not in page.text
    assert leader.get("/sheets/export/statistics").status_code == 200
    assert leader.get("/sheets/template/items").status_code == 403
    data = _template(db_session, "admin", "items")
    for role in ("leader", "reviewer"):
        response = client_as(role).post(
            "/sheets/upload",
            data={"file": (io.BytesIO(data), "items.xlsx")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 403


def test_upload_previews_then_confirm_applies(client_as, db_session):
    """The page flow: upload shows the preview and writes nothing; confirm applies."""
    _seed(db_session)
    client = client_as("contact")
    book = _workbook(client.get("/sheets/template/systems").data)
    ws = book.worksheets[1]
    headers = [c.value for c in ws[2]]
    ws.cell(3, headers.index("开发承建厂商") + 1, "新厂商")
    response = client.post(
        "/sheets/upload",
        data={"file": (io.BytesIO(_bytes(book)), "systems.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "检查通过" in response.text and "新厂商" in response.text
    db_session.expire_all()
    assert db_session.query(InformationSystem).filter_by(vendor="新厂商").count() == 0
    token = re.search(r'name="token" value="([^"]+)"', response.text).group(1)
    assert client_as("admin").post("/sheets/confirm", data={"token": token}).status_code == 404
    response = client.post("/sheets/confirm", data={"token": token})
    assert response.status_code == 200 and "导入完成" in response.text
    db_session.expire_all()
    assert db_session.query(InformationSystem).filter_by(vendor="新厂商").count() == 1
    response = client.post("/sheets/confirm", data={"token": token}, follow_redirects=True)
    assert "已过期" in response.text


def test_upload_page_refuses_bad_and_oversized_files_with_messages(client_as, db_session):
    client = client_as("contact")
    response = client.post(
        "/sheets/upload",
        data={"file": (io.BytesIO(b"a,b\n"), "x.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "不是 Excel 工作簿" in response.text
    big = io.BytesIO(b"x" * (21 * 1024 * 1024))
    response = client.post(
        "/sheets/upload",
        data={"file": (big, "big.xlsx")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert response.status_code == 200 and "20 MB" in response.text
    _seed(db_session)
    book = _workbook(_template(db_session, "contact", "systems"))
    book.worksheets[1].append(["SYS-E", None, "测试教务处", None, None, -5])
    response = client.post(
        "/sheets/upload",
        data={"file": (io.BytesIO(_bytes(book)), "e.xlsx")},
        content_type="multipart/form-data",
    )
    assert "未导入任何数据" in response.text and "系统名称" in response.text
    assert 'name="token"' not in response.text


def test_cli_import_with_dry_run_and_department(runner, db_session, tmp_path):
    """flask import-sheet: dry run writes nothing; --department refuses other rows; the real
    run applies."""
    _seed(db_session)
    book = _workbook(_template(db_session, "admin", "statistics"))
    ws = book.worksheets[1]
    headers = [c.value for c in ws[2]]
    for row in ws.iter_rows(min_row=3):
        row[headers.index("线上办理入口")].value = "新入口"
    path = tmp_path / "stats.xlsx"
    path.write_bytes(_bytes(book))
    before = _state(db_session)

    result = runner.invoke(args=["import-sheet", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "预览（未写入）：新增 0，修改 3" in result.output
    assert _state(db_session) == before

    result = runner.invoke(args=["import-sheet", str(path), "--department", "T01"])
    assert result.exit_code == 1
    assert "只能导入本部门（测试教务处）" in result.output and "未导入任何数据" in result.output
    assert _state(db_session) == before

    result = runner.invoke(args=["import-sheet", str(path)])
    assert result.exit_code == 0, result.output
    assert "导入完成：新增 0，修改 3" in result.output
    db_session.expire_all()
    assert {i.online_entry for i in db_session.query(ServiceItem)} == {"新入口"}

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    result = runner.invoke(args=["import-sheet", str(bad)])
    assert result.exit_code == 2 and "不是 Excel 工作簿" in result.output


def test_oversized_upload_gets_the_page_message_even_before_the_csrf_check(app, client_as):
    """With CSRF on, the form is parsed (and found too large) before the view runs: the user
    still gets the Chinese message, not a bare 413."""
    client = client_as("contact")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        big = io.BytesIO(b"x" * (21 * 1024 * 1024))
        response = client.post(
            "/sheets/upload", data={"file": (big, "big.xlsx")}, content_type="multipart/form-data"
        )
        assert response.status_code == 302
        page = client.get(response.headers["Location"])
        assert "文件超过 20 MB" in page.text
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_it_admin_picks_a_department_or_the_whole_college(client_as, db_session):
    """The IT office's page offers every department; its downloads follow the choice."""
    _seed(db_session)
    client = client_as("admin")
    page = client.get("/sheets/?department=T02").text
    assert "测试教务处" in page and "/sheets/export/statistics?department=T02" in page
    assert 'name="department" value="T02"' in page
    text = _all_text(client.get("/sheets/export/statistics?department=T02").data)
    assert "SI-OTHER-1" in text and "SI-X-1" not in text
    text = _all_text(client.get("/sheets/export/statistics").data)
    assert "SI-OTHER-1" in text and "SI-X-1" in text and "全校" in text
