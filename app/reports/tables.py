"""Plain tables as workbooks: one sheet, a title row, a frozen header, rows in, bytes out.

Used for the dashboard's figures and the yearly assessment; the writing rules (text stays
text, formula-like text neutralised, widths fit Chinese) are `SheetWriter`'s.
"""

from collections.abc import Iterable, Sequence

from flask_babel import gettext as _

from .xlsx import SheetWriter


def table_workbook(
    name: str, headers: Sequence[str], rows: Iterable[Sequence], title: str | None = None
) -> bytes:
    """Bytes of a one-sheet workbook called `name`: an optional title row, `headers`, `rows`."""
    writer = SheetWriter()
    sheet = writer.sheet(name, [str(header) for header in headers], title=title)
    for row in rows:
        sheet.write_row(row)
    sheet.finish()
    return writer.close()


def _cell(column, row):
    value = row.get(column.key)
    if value is None and getattr(column, "kind", "text") != "text":
        return _("未填写")  # unknown is not zero: the cell says so, it is not left blank
    return value


def figure_workbook(title: str, columns: Sequence, rows: Iterable[dict], note: str = "") -> bytes:
    """One dashboard figure's table: `columns` carry `key`, `label` and `kind`, `rows` are
    dicts; an empty number reads 未填写, and `note` ("N 项未填写") is the last row."""
    lines = [[_cell(column, row) for column in columns] for row in rows]
    if note:
        lines.append([note] + [None] * (len(columns) - 1))
    return table_workbook(title, [column.label for column in columns], lines, title=title)


def assessment_workbook(columns: Sequence[tuple[str, str]], rows: Iterable, year: int) -> bytes:
    """The ranked yearly assessment: `columns` are (key, label), each row gives `values()`."""
    return table_workbook(
        _("年度考核"),
        [label for _key, label in columns],
        (row.values() for row in rows),
        title=_("{year} 年度部门网上办事考核评价").format(year=year),
    )
