"""XLSX files of the three lists, written with the shared `SheetWriter`.

The workbook's creation time is pinned to the publication's time, so the same publication gives
the same bytes every time it is downloaded (XlsxWriter stores fixed timestamps in the zip).
"""

from collections.abc import Sequence
from datetime import datetime

from app.services.publish import lists

from .xlsx import SheetWriter


def list_workbook(
    kind: str,
    items: list[dict[str, object]],
    created: datetime | None = None,
    title: str | None = None,
) -> bytes:
    """Bytes of one list (`kind` in lists.LIST_KINDS) for `items` (public projections)."""
    return rows_workbook(kind, lists.rows(kind, items), created, title)


def rows_workbook(
    kind: str,
    rows: Sequence[Sequence[object]],
    created: datetime | None = None,
    title: str | None = None,
) -> bytes:
    """Bytes of one list from its rows (lists.rows)."""
    writer = SheetWriter(constant_memory=len(rows) > 5000)
    created = created or datetime(2000, 1, 1)
    name = lists.list_titles()[kind]
    writer.book.set_properties(
        {"title": title or name, "author": "", "company": "", "created": created}
    )
    sheet = writer.sheet(name, lists.headers(kind), title=title or name)
    for row in rows:
        sheet.write_row(row)
    sheet.finish()
    return writer.close()
