"""Excel uploads are bounded before they are parsed: a zip bomb (a real one, built here from the
template) is refused at once with a Chinese message and changes no row; too many parts or too
many cells in a sheet are refused the same way; a normal filled template still imports."""

import io
import re
import time
import zipfile

import pytest
from openpyxl import load_workbook

from app.models import InformationSystem, ServiceItem
from app.services.sheets import exporter as sheet_export
from app.services.sheets import importer as sheet_import
from app.services.sheets.reading import SheetFileError
from tests import factories as f


def bomb(template, inflate_mb):
    """`template` with one more row on its largest sheet, whose one cell holds `inflate_mb`
    MB of one repeated character (deflated ~1000:1, so the upload stays small)."""
    chunk = b"A" * (1024 * 1024)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template)) as source, zipfile.ZipFile(out, "w") as target:
        sheet = max(
            (i for i in source.infolist() if i.filename.startswith("xl/worksheets/")),
            key=lambda i: i.file_size,
        )
        for info in source.infolist():
            if info.filename != sheet.filename:
                target.writestr(info, source.read(info.filename), zipfile.ZIP_DEFLATED)
        head, _sep, tail = source.read(sheet.filename).decode().partition("</sheetData>")
        last = max(int(n) for n in re.findall(r'<row r="(\d+)"', head))
        info = zipfile.ZipInfo(sheet.filename, date_time=(2026, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with target.open(info, "w") as part:
            part.write(head.encode())
            part.write(f'<row r="{last + 1}"><c r="B{last + 1}" t="inlineStr"><is><t>'.encode())
            for _ in range(inflate_mb):
                part.write(chunk)
            part.write(("</t></is></c></row></sheetData>" + tail).encode())
    return out.getvalue()


@pytest.fixture
def template(db_session):
    f.complete_item(db_session, code="SI-BOMB-1")
    f.complete_system(db_session, code="SYS-BOMB-1")
    db_session.commit()

    def make(code="items"):
        _name, data = sheet_export.template_workbook(
            db_session, f.user(db_session, "contact"), code
        )
        db_session.commit()
        return data

    return make


def _versions(session):
    session.expire_all()
    return sorted(
        (type(r).__name__, r.id, r.version)
        for model in (ServiceItem, InformationSystem)
        for r in session.query(model)
    )


def _refused(session, data):
    before = _versions(session)
    started = time.perf_counter()
    with pytest.raises(SheetFileError) as error:
        sheet_import.run_import(session, data, f.user(session, "contact"))
    elapsed = time.perf_counter() - started
    session.rollback()
    assert _versions(session) == before, "no row changed"
    return str(error.value), elapsed


def test_a_zip_bomb_is_refused_at_once_before_it_is_inflated(db_session, template):
    data = bomb(template(), 400)
    assert len(data) < 2 * 1024 * 1024, "a small upload..."
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sum(i.file_size for i in archive.infolist()) > 400 * 1024 * 1024, "...that inflates"
    message, elapsed = _refused(db_session, data)
    assert "解压后" in message and "超过上限 100 MB" in message and "未导入" in message
    assert elapsed < 1.0, f"refused from the zip directory alone ({elapsed:.2f} s)"


def test_a_part_that_inflates_too_far_for_its_size_is_refused(db_session, template):
    message, _elapsed = _refused(db_session, bomb(template(), 20))  # 20 MB: under the total
    assert "压缩比" in message and "上限 100 倍" in message


def test_too_many_parts_are_refused(db_session, template):
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template())) as source, zipfile.ZipFile(buffer, "w") as out:
        for info in source.infolist():
            out.writestr(info, source.read(info.filename))
        for n in range(600):
            out.writestr(f"xl/media/pad{n}.bin", b"x")
    message, _elapsed = _refused(db_session, buffer.getvalue())
    assert "部件" in message and "上限 500 个" in message


def test_cells_per_sheet_are_bounded(app, db_session, template, monkeypatch):
    """A sheet that holds more cells than SHEET_MAX_CELLS (empty ones count: a huge used
    range costs as much to read) is reported and nothing is imported."""
    monkeypatch.setitem(app.config, "SHEET_MAX_CELLS", 40)
    before = _versions(db_session)
    report = sheet_import.run_import(db_session, template("systems"), f.user(db_session, "contact"))
    db_session.rollback()
    assert not report.ok
    assert any("单元格超过 40 个" in p.message for p in report.errors)
    assert _versions(db_session) == before


def test_the_upload_page_says_why_a_bomb_is_refused(client_as, db_session, template):
    response = client_as("contact").post(
        "/sheets/upload",
        data={"file": (io.BytesIO(bomb(template(), 150)), "bomb.xlsx")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "超过上限 100 MB" in response.text and 'name="token"' not in response.text


def test_a_normal_filled_template_still_imports(db_session, template):
    """The limits leave a real file alone (the full apply is tests/test_sheets.py's)."""
    book = load_workbook(io.BytesIO(template("systems")))
    ws = book.worksheets[1]
    headers = [c.value for c in ws[2]]
    ws.cell(3, headers.index("开发承建厂商") + 1, "新厂商")
    buffer = io.BytesIO()
    book.save(buffer)
    report = sheet_import.run_import(
        db_session, buffer.getvalue(), f.user(db_session, "contact"), dry_run=True
    )
    db_session.rollback()  # a dry run, so that no import event joins the audit log
    assert report.ok, report.errors
    assert [c.key for c in report.changes if c.action == "change"] == ["SYS-BOMB-1"]
    assert any("新厂商" in str(field) for c in report.changes for field in c.fields)
