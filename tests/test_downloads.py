"""Files go out through one module: app/views/download.py.

No other view names the XLSX MIME type, writes a Content-Disposition header or builds a file
response by hand; a Chinese file name reaches every browser (RFC 6266 `filename*`, plus an ASCII
`filename` for old ones).
"""

import pathlib
import re
from urllib.parse import unquote

APP = pathlib.Path(__file__).resolve().parent.parent / "app"
ANSWERS_FILES = ("views/download.py",)
HAND_MADE = re.compile(r"spreadsheetml|Content-Disposition|send_file\(|\bResponse\(")


def test_only_download_py_answers_files():
    found = []
    for path in sorted(APP.rglob("*.py")):
        relative = path.relative_to(APP).as_posix()
        if relative in ANSWERS_FILES:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if HAND_MADE.search(line):
                found.append(f"app/{relative}:{number}: {line.strip()}")
    assert found == [], "answer files with app.views.download: " + "; ".join(found)


def test_a_chinese_file_name_reaches_every_browser(app):
    from app.views.download import XLSX_MIMETYPE, send_download

    with app.test_request_context():
        response = send_download(b"PK-data", "2026年度考核评价.xlsx", cache_control="no-store")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''" in disposition
    quoted = disposition.split("filename*=UTF-8''", 1)[1]
    assert unquote(quoted) == "2026年度考核评价.xlsx"
    ascii_name = re.search(r"filename=([^;]+)", disposition).group(1)
    assert ascii_name.isascii() and ascii_name.endswith(".xlsx")
    assert response.mimetype == XLSX_MIMETYPE
    assert response.headers["Cache-Control"] == "no-store"
    response.direct_passthrough = False
    assert response.get_data() == b"PK-data"


def test_an_ascii_file_name_is_sent_as_it_is(app):
    from app.views.download import send_download

    with app.test_request_context():
        response = send_download(b"x", "list-service-v1.xlsx")
    assert response.headers["Content-Disposition"] == "attachment; filename=list-service-v1.xlsx"


def test_an_image_of_another_format_is_not_found(app):
    import pytest
    from werkzeug.exceptions import NotFound

    from app.views.download import send_image

    with app.test_request_context():
        assert send_image("<svg/>", "svg", "private").mimetype == "image/svg+xml"
        with pytest.raises(NotFound):
            send_image(b"", "gif", "private")
