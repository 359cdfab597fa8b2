"""Files the console answers: every download and every drawn image goes out from here.

`send_download()` answers bytes as an attachment with `flask.send_file`. Its file name may be
Chinese: Werkzeug writes the RFC 6266 pair, `filename*=UTF-8''…` that every current browser
reads and an ASCII `filename=` for the oldest ones. The MIME types are the constants below; no
other view names them (`tests/test_downloads.py` keeps it so).
"""

import io

from flask import Response, abort, send_file
from flask_babel import gettext as _

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMAGE_MIMETYPES = {"png": "image/png", "svg": "image/svg+xml"}


def send_download(
    data: bytes, filename: str, mimetype: str = XLSX_MIMETYPE, cache_control: str | None = None
) -> Response:
    """`data` as an attachment called `filename`. Exports of scoped data pass
    `cache_control="no-store"`; without it the browser revalidates (`no-cache`)."""
    response = send_file(
        io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=filename
    )
    if cache_control:
        response.headers["Cache-Control"] = cache_control
    return response


def send_image(data: bytes | str, fmt: str, cache_control: str) -> Response:
    """A chart or flowchart shown in the page (`fmt` png or svg, else 404)."""
    if fmt not in IMAGE_MIMETYPES:
        abort(404)
    if isinstance(data, str):
        data = data.encode("utf-8")
    response = send_file(io.BytesIO(data), mimetype=IMAGE_MIMETYPES[fmt])
    response.headers["Cache-Control"] = cache_control
    return response


def send_published_list(pub, kind: str) -> Response:
    """One of the three lists of publication `pub` (the public page and the reviewer's page
    answer the same file). 404 for an unknown kind."""
    from app.extensions import db
    from app.reports.lists_xlsx import list_workbook
    from app.services.publish import lists, publication

    if kind not in lists.LIST_KINDS:
        abort(404)
    data = list_workbook(
        kind,
        publication.items_of(db.session, pub),
        pub.published_at,
        _("{title}（第 {n} 版）").format(title=lists.list_titles()[kind], n=pub.number),
    )
    return send_download(data, f"list-{kind}-v{pub.number}.xlsx")
