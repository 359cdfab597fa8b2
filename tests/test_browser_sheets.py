"""In a real browser: a department contact fills its 附件2 template as a clerk would and imports
it through the page (issue 11).

The contact of 测试教务处 (T01, through the directory of tests/ldap_fixtures.py) downloads the
pre-filled template from 梳理填报 › Excel 导入导出, adds two service items with openpyxl, written
the way real guides write them (tests/data/guides.json: line breaks inside a cell, "在校学生",
"原件及复印件", "5个工作日（不含节假日）"), uploads the file, reads the preview with the parsed
values, confirms, and finds both items on the item list as written. A second file with one bad
cell is refused in the preview, which names the cell in Chinese and offers no confirmation;
nothing changes. Screenshots of the preview and the list (1400 px) go to test-artifacts/.
"""

import io
import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from app.models import Material, ServiceItem
from tests import factories as f
from tests.browser import ARTIFACTS, log_in, open_menu

pytestmark = pytest.mark.usefixtures("ldap_login")

GUIDES = {
    g["code"]: g
    for g in json.loads(
        (Path(__file__).parent / "data" / "guides.json").read_text(encoding="utf-8")
    )["items"]
}


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"browser-sheets-{name}.png"), full_page=True)


def clerk_rows():
    """Two items as a clerk copies them from published guides: the guide's own words, the
    time limit and audience as the office writes them."""
    card = GUIDES["GUIDE-AHTCM-01"]  # 公务卡办理: a four-step path, one line per step
    student = GUIDES["GUIDE-HDU-01"]  # 补办学生证
    return [
        {
            "事项编码": "SI-T01-901",
            "事项名称": card["name"],
            "所属部门": "测试教务处",
            "事项类型": "服务类",
            "运行状态": "良好",
            "使用人群": "教职工",
            "办理路径": card["path"],
            "办件类型": "承诺件",
            "承诺办结时限": card["promised_limit"],
            "办理提示": card["tips"],
            "_material": ("办卡人个人身份证复印件", "复印件"),
        },
        {
            "事项编码": "SI-T01-902",
            "事项名称": student["name"],
            "所属部门": "测试教务处",
            "事项类型": "服务类",
            "运行状态": "良好",
            "使用人群": "在校学生",
            "办理要件（办理条件）": student["conditions"],
            "办理路径": student["path"] + "\n" + "领取时请携带身份证。",
            "咨询渠道": student["consultation"],
            "承诺办结时限": "5个工作日（不含节假日）",
            "办理时段": student["service_hours"],
            "办理提示": student["tips"],
            "_material": ("身份证", "原件及复印件"),
        },
    ]


def download_template(page, folder):
    open_menu(page, "梳理填报", "Excel 导入导出")
    link = page.locator("a.sheet-template", has_text="附件2")
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = folder / download.suggested_filename
    download.save_as(saved)  # as the clerk's browser keeps it, then opened in Excel
    return load_workbook(saved)


def fill(book, rows):
    items, materials = book["服务事项"], book["申报材料"]
    headers = [c.value for c in items[2]]
    material_headers = [c.value for c in materials[2]]
    for values in rows:
        row = items.max_row + 1
        for header, value in values.items():
            if not header.startswith("_"):
                items.cell(row, headers.index(header) + 1, value)
        name, form = values["_material"]
        line = materials.max_row + 1
        for header, value in {
            "事项编码": values["事项编码"],
            "序号": 1,
            "材料名称": name,
            "是否必需": "是",
            "材料形式": form,
        }.items():
            materials.cell(line, material_headers.index(header) + 1, value)


def upload(page, book, name):
    buffer = io.BytesIO()
    book.save(buffer)
    page.goto("/sheets/")
    page.locator("input[type=file][name=file]").set_input_files(
        files=[
            {
                "name": name,
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": buffer.getvalue(),
            }
        ]
    )
    page.locator("button", has_text="检查并预览").click()
    expect(page.locator("h2")).to_contain_text("导入预览")


def test_a_contact_fills_two_rows_of_its_template_previews_confirms_and_finds_them_listed(
    new_page, db_session, tmp_path
):
    f.complete_item(db_session, code="SI-T01-001", name="已有事项")
    db_session.commit()
    page = new_page(width=1400)
    log_in(page, "contact")
    book = download_template(page, tmp_path)
    assert book["服务事项"].cell(3, 1).value == "SI-T01-001"  # pre-filled with its own item
    rows = clerk_rows()
    fill(book, rows)
    upload(page, book, "附件2-测试教务处.xlsx")

    shot(page, "1-preview")
    expect(page.locator(".alert-info").first).to_contain_text("检查通过")
    changes = page.locator("table.sheet-changes tr")
    card, student = (
        changes.filter(has_text="服务事项").filter(has_text=r["事项编码"]) for r in rows
    )
    for change, values in ((card, rows[0]), (student, rows[1])):
        expect(change).to_contain_text("新增")
        expect(change).to_contain_text(values["事项名称"])
    # The parsed values beside the words: a 承诺件 of 5 working days, the audience as the list.
    expect(student).to_contain_text("承诺办结时限：5个工作日（不含节假日）（读作：5 工作日）")
    expect(student).to_contain_text("办件类型：承诺件")
    expect(student).to_contain_text("使用人群：本科生、研究生")
    expect(card).to_contain_text("在10个工作日内办理公务卡并寄发给办卡人（读作：10 工作日）")
    expect(card).to_contain_text("使用人群：教职工")
    # The line breaks inside a cell show as the clerk typed them.
    path = card.locator("div", has_text="办理路径").locator(".change-value")
    assert path.inner_text() == GUIDES["GUIDE-AHTCM-01"]["path"]
    material = changes.filter(has_text="申报材料").filter(has_text="SI-T01-902")
    expect(material).to_contain_text("材料名称：身份证")
    expect(material).to_contain_text("材料形式：原件、复印件")
    assert db_session.query(ServiceItem).filter_by(code="SI-T01-902").count() == 0

    page.locator("button", has_text="确认导入").click()
    expect(page.locator(".alert-success").first).to_contain_text("导入完成：新增")

    open_menu(page, "梳理填报", "服务事项")
    listed = page.locator("table tr", has_text="SI-T01-902")
    expect(listed).to_contain_text(rows[1]["事项名称"])
    expect(listed).to_contain_text("5个工作日（不含节假日）")
    expect(page.locator("table tr", has_text="SI-T01-901")).to_contain_text("公务卡办理")
    shot(page, "2-list")

    db_session.expire_all()
    item = db_session.query(ServiceItem).filter_by(code="SI-T01-902").one()
    assert item.path == rows[1]["办理路径"]  # the line break as written, no _x000D_
    assert item.promised_limit == "5个工作日（不含节假日）"
    assert set(item.user_groups.split(",")) == {"undergraduate", "graduate"}
    material = db_session.query(Material).filter_by(item_id=item.id).one()
    assert material.copies is None  # blank stays blank
    assert (
        db_session.query(ServiceItem).filter_by(code="SI-T01-901").one().path
        == (GUIDES["GUIDE-AHTCM-01"]["path"])
    )


def test_one_bad_cell_is_named_in_the_preview_and_cannot_be_confirmed(
    new_page, db_session, tmp_path
):
    page = new_page(width=1400)
    log_in(page, "contact")
    book = download_template(page, tmp_path)
    rows = clerk_rows()
    rows[1]["办件类型"] = "加急件"
    fill(book, rows)
    upload(page, book, "附件2-有误.xlsx")
    shot(page, "3-refused")

    # One bad cell, one message: the row's material is not also reported as naming a
    # missing item.
    expect(page.locator(".alert-danger")).to_contain_text("发现 1 处错误，未导入任何数据")
    problem = page.locator("table.sheet-problems tr.danger")
    expect(problem).to_have_count(1)
    expect(problem.locator("td")).to_have_text(
        ["错误", "服务事项", "4", "办件类型", "“加急件”不是可选值；可选：即办件、承诺件。"]
    )
    # The other rows' counts are what a corrected file would do, and say so.
    expect(page.locator(".sheet-counts-note")).to_contain_text("改正上述错误并重新上传后才会导入")
    expect(page.locator("button", has_text="确认导入")).to_have_count(0)
    expect(page.locator("input[name=token]")).to_have_count(0)
    db_session.expire_all()
    assert db_session.query(ServiceItem).filter(ServiceItem.code.like("SI-T01-9%")).count() == 0
    assert db_session.query(Material).count() == 0
    assert re.search(r"/sheets/upload$", page.url)
