"""Safe XLSX writing with XlsxWriter: rows in, bytes out.

Every export goes through `SheetWriter`, so the rules hold everywhere:

- text is always written as text (`write_string`), never parsed as a formula, URL or number
  (`strings_to_formulas`, `strings_to_urls` and `strings_to_numbers` off);
- text that a spreadsheet would still run when a user edits the cell (starting with
  ``= + - @``, a tab or a carriage return) gets a leading apostrophe (OWASP's CSV-injection rule);
- column widths fit Chinese text (a CJK character is two columns wide), header rows are frozen
  and bold, every sheet prints on A4 with the header repeated on each page;
- `constant_memory=True` writes row by row for large exports (rows must then come in order).
"""

import io
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter
from flask_babel import gettext as _
from xlsxwriter.format import Format

from app.services.trail import clock

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_WIDTH = 60
MIN_WIDTH = 6
SHEET_NAME_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})


def neutralise(text: str) -> str:
    """`text` with a leading apostrophe when a spreadsheet could read it as a formula."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def display_width(text: object) -> int:
    """Columns a string takes in a spreadsheet: wide (CJK) characters count twice."""
    width = 0
    for char in str(text):
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def sheet_name(name: object, taken: Iterable[str] = ()) -> str:
    """A valid, unique worksheet name (31 characters at most, no []:*?/\\)."""
    base = (str(name).translate(SHEET_NAME_FORBIDDEN).strip("'") or "Sheet")[:31]
    candidate, number = base, 2
    while candidate.lower() in {t.lower() for t in taken}:
        suffix = f"({number})"
        candidate = base[: 31 - len(suffix)] + suffix
        number += 1
    return candidate


class SheetWriter:
    """One workbook in memory; `sheet()` adds a worksheet with a header, `close()` gives bytes."""

    def __init__(self, constant_memory=False):
        self._buffer = io.BytesIO()
        self.book = xlsxwriter.Workbook(
            self._buffer,
            {
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "constant_memory": constant_memory,
                # XlsxWriter ignores constant_memory when in_memory is on: stream rows through
                # temporary files then (the workbook still comes back as bytes).
                "default_date_format": "yyyy-mm-dd",
                "in_memory": not constant_memory,
            },
        )
        self._yes_no = (_("是"), _("否"))
        self.formats = {
            "header": self.book.add_format(
                {
                    "bold": True,
                    "bg_color": "#DDEBF7",
                    "border": 1,
                    "text_wrap": True,
                    "valign": "vcenter",
                }
            ),
            "text": self.book.add_format({"text_wrap": True, "valign": "top"}),
            "date": self.book.add_format({"num_format": "yyyy-mm-dd", "valign": "top"}),
            "datetime": self.book.add_format({"num_format": "yyyy-mm-dd hh:mm", "valign": "top"}),
            "number": self.book.add_format({"valign": "top"}),
            "money": self.book.add_format({"num_format": "0.00", "valign": "top"}),
            "title": self.book.add_format({"bold": True, "font_size": 14}),
        }
        self._names = []

    def sheet(
        self,
        name: object,
        headers: Sequence[object],
        widths: Sequence[int] | None = None,
        landscape: bool = True,
        title: object = None,
    ) -> "Sheet":
        """A new worksheet with a frozen header row (below an optional title row)."""
        worksheet = Sheet(
            self, self.book.add_worksheet(sheet_name(name, self._names)), headers, widths, title
        )
        self._names.append(worksheet.ws.name)
        worksheet.ws.set_paper(9)  # A4
        if landscape:
            worksheet.ws.set_landscape()
        worksheet.ws.fit_to_pages(1, 0)
        worksheet.ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
        return worksheet

    def close(self) -> bytes:
        """Finish the workbook and return its bytes."""
        self.book.close()
        return self._buffer.getvalue()


class Sheet:
    """A worksheet that writes every value with the right type and keeps columns wide enough."""

    def __init__(self, writer, worksheet, headers, widths, title):
        self.writer, self.ws = writer, worksheet
        self.formats = writer.formats
        self.row = 0
        self._widths = [display_width(h) + 2 for h in headers]
        self._fixed = widths
        # Widths follow the content only when they can still change (no fixed widths, not
        # streaming); measuring every Chinese string is the writer's dearest step otherwise.
        self._track = widths is None and not writer.book.constant_memory
        if title:
            self.ws.write_string(0, 0, neutralise(str(title)), self.formats["title"])
            self.row = 1
        header_row = self.header_row = self.row
        for col, header in enumerate(headers):
            self.ws.write_string(header_row, col, neutralise(str(header)), self.formats["header"])
        self.ws.freeze_panes(header_row + 1, 0)
        self.ws.repeat_rows(header_row)
        self.row = header_row + 1
        self._apply_widths()  # in constant_memory mode widths must be set before data rows

    def _apply_widths(self):
        for col, width in enumerate(self._fixed or self._widths):
            self.ws.set_column(col, col, max(MIN_WIDTH, min(MAX_WIDTH, width)))

    def write_row(self, values: Iterable[object]) -> None:
        """Append one row: str as text, numbers as numbers, dates as dates, None as blank."""
        for col, value in enumerate(values):
            self.write_cell(self.row, col, value)
        self.row += 1

    def write_cell(self, row: int, col: int, value: object, fmt: Format | None = None) -> None:
        ws, formats = self.ws, self.formats
        if value is None or value == "":
            ws.write_blank(row, col, None, fmt or formats["text"])
            return
        if isinstance(value, bool):
            value = self.writer._yes_no[0 if value else 1]
        if isinstance(value, datetime):
            # People read the sheet: the stored UTC time in the display zone.
            shown = clock.local(value).replace(tzinfo=None)
            ws.write_datetime(row, col, shown, fmt or formats["datetime"])
            text_width = 16
        elif isinstance(value, date):
            ws.write_datetime(
                row, col, datetime(value.year, value.month, value.day), fmt or formats["date"]
            )
            text_width = 10
        elif isinstance(value, (int, float, Decimal)):
            ws.write_number(
                row,
                col,
                float(value),
                fmt or formats["money" if isinstance(value, Decimal) else "number"],
            )
            text_width = len(str(value))
        else:
            text = neutralise(str(value))
            ws.write_string(row, col, text, fmt or formats["text"])
            if not self._track:
                return
            text_width = max(display_width(line) for line in text.split("\n"))
        if self._track and col < len(self._widths):
            self._widths[col] = max(self._widths[col], text_width + 2)

    def finish(self, autofilter: bool = True) -> None:
        """Widen columns to what was written (not possible in constant_memory mode) and put
        a filter on the header row."""
        if not self.writer.book.constant_memory:
            self._apply_widths()
        if autofilter and self._widths:
            self.ws.autofilter(
                self.header_row, 0, max(self.row - 1, self.header_row), len(self._widths) - 1
            )
