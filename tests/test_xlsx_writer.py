"""The shared XLSX writer keeps text as text and neutralises formula-like values."""

import io
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from app.reports.xlsx import SheetWriter, display_width, neutralise, sheet_name

PAYLOADS = [
    '=HYPERLINK("http://evil.example","点我")',
    "{=1+1}",
    "+1",
    "-1+2",
    "@SUM(A1)",
    "\t=1",
    "http://example.com",
    "0012",
    "1e5",
]


def _read(data):
    return load_workbook(io.BytesIO(data)).worksheets[0]


def test_every_payload_is_stored_as_text_and_no_cell_is_a_formula():
    for constant_memory in (False, True):
        writer = SheetWriter(constant_memory=constant_memory)
        sheet = writer.sheet("测试", ["值"])
        for payload in PAYLOADS:
            sheet.write_row([payload])
        sheet.finish()
        ws = _read(writer.close())
        values = [row[0].value for row in ws.iter_rows(min_row=2)]
        assert values == [neutralise(p) for p in PAYLOADS]
        for row in ws.iter_rows(min_row=1):
            for cell in row:
                assert cell.data_type == "s", (cell.coordinate, cell.value)
    assert neutralise("=1") == "'=1" and neutralise("普通文本") == "普通文本"


def test_types_header_and_print_settings():
    writer = SheetWriter()
    sheet = writer.sheet(
        "信息系统", ["名称", "建设费用（万元）", "上线日期", "在用"], title="附件4"
    )
    sheet.write_row(["教务管理系统", Decimal("12.50"), date(2020, 9, 1), True])
    sheet.finish()
    ws = _read(writer.close())
    assert ws["A1"].value == "附件4"
    assert [c.value for c in ws[2]] == ["名称", "建设费用（万元）", "上线日期", "在用"]
    assert ws["B3"].value == 12.5 and ws["C3"].value.year == 2020 and ws["D3"].value == "是"
    assert ws.freeze_panes == "A3"
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    assert ws.column_dimensions["A"].width >= display_width("教务管理系统")


def test_sheet_names_are_valid_and_unique():
    assert sheet_name("a/b:c") == "a_b_c"
    assert sheet_name("x" * 40) == "x" * 31
    assert sheet_name("事项", taken=["事项"]) == "事项(2)"
