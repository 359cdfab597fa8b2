"""Reading an uploaded template: refuse a file that is not a usable workbook (too large, not an
XLSX, a zip bomb) before openpyxl inflates a byte, then read each data sheet's rows by header.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from flask import current_app, has_app_context
from flask_babel import gettext as _

from app.services.errors import DomainError
from app.services.sheets.cells import cell_text

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

    from app.services.sheets.report import ImportReport
    from app.services.sheets.specs import SheetSpec

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
# What an upload may inflate to, checked on the zip's directory before openpyxl reads a byte
# (Python's zipfile never inflates a member past its recorded size, so the directory holds).
# Each is a setting of the same name in config.py; these are the defaults.
LIMITS = {
    "SHEET_MAX_UNCOMPRESSED_MB": 100,  # all members together
    "SHEET_MAX_COMPRESSION_RATIO": 100,  # per member larger than RATIO_FLOOR
    "SHEET_MAX_MEMBERS": 500,
    "SHEET_MAX_CELLS": 3_000_000,  # cells read from one sheet, empty ones included
}
RATIO_FLOOR = 1024 * 1024  # small members may compress well without inflating to much
HEADER_SEARCH_ROWS = 3

# One row of a data sheet: its number and {column key: openpyxl cell or None}.
Row = tuple[int, dict[str, Any]]


class SheetFileError(DomainError):
    """The upload is not a usable template; the message says why in Chinese."""


def limit(name: str) -> int:
    """A size limit: the app's setting when there is an app, else the default."""
    if has_app_context():
        return current_app.config.get(name, LIMITS[name])
    return LIMITS[name]


def check_archive(infos: Sequence[zipfile.ZipInfo]) -> None:
    """Refuse, before anything is inflated, an archive whose members are too many, inflate
    to too much in total, or one of which inflates too far for its size (a zip bomb)."""
    most = limit("SHEET_MAX_MEMBERS")
    if len(infos) > most:
        raise SheetFileError(
            _("文件包含 {n} 个部件（上限 {limit} 个），不是正常的 Excel 模板，未导入。").format(
                n=len(infos), limit=most
            )
        )
    total_mb = sum(info.file_size for info in infos) / (1024 * 1024)
    if total_mb > limit("SHEET_MAX_UNCOMPRESSED_MB"):
        raise SheetFileError(
            _(
                "文件解压后有 {size:.0f} MB，超过上限 {limit} MB，未导入；请按部门拆分后分别导入。"
            ).format(size=total_mb, limit=limit("SHEET_MAX_UNCOMPRESSED_MB"))
        )
    ratio_limit = limit("SHEET_MAX_COMPRESSION_RATIO")
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > ratio_limit:
            raise SheetFileError(
                _(
                    "文件中的部件“{name}”压缩比为 {ratio:.0f} 倍（上限 {limit} 倍），"
                    "可能是恶意构造的压缩文件，未导入。"
                ).format(name=info.filename[:80], ratio=ratio, limit=ratio_limit)
            )


def open_workbook(data: bytes) -> Workbook:
    """The workbook in `data`, or SheetFileError saying what is wrong with the file."""
    from openpyxl import load_workbook

    if len(data) > MAX_BYTES:
        raise SheetFileError(_("文件超过 20 MB，请按部门拆分后分别导入。"))
    if not data:
        raise SheetFileError(_("文件为空。"))
    buffer = io.BytesIO(data)
    if not zipfile.is_zipfile(buffer):
        if data[:4] == b"PK\x03\x04":
            raise SheetFileError(_("文件已损坏，无法读取。"))
        raise SheetFileError(
            _("不是 Excel 工作簿（.xlsx）文件；请使用下载的模板，不支持 .xls、.csv 或其他格式。")
        )
    try:
        with zipfile.ZipFile(buffer) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
    except zipfile.BadZipFile as error:
        raise SheetFileError(_("文件已损坏，无法读取。")) from error
    if "xl/workbook.xml" not in names:
        raise SheetFileError(
            _("不是 Excel 工作簿（.xlsx）文件；请使用下载的模板，不支持 .xls、.csv 或其他格式。")
        )
    check_archive(infos)
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:
        raise SheetFileError(_("文件已损坏或格式不正确，无法读取。")) from error


def _find_header(rows: Any, first: str) -> tuple[int, list[str | None]] | None:
    """(row number, texts) of the header row among the first rows, else None."""
    for number in range(1, HEADER_SEARCH_ROWS + 1):
        row = next(rows, None)
        if row is None:
            return None
        texts = [cell_text(c.value) for c in row]
        if texts and texts[0] == first:
            return number, texts
    return None


def read_sheet(ws: Any, spec: SheetSpec, report: ImportReport) -> list[Row]:
    """[(row number, {key: cell})] of a data sheet; header problems go to the report."""
    rows = ws.iter_rows()
    headers = [c.header for c in spec.columns if c.imported]
    found = _find_header(rows, headers[0])
    if found is None:
        report.error(
            spec.title,
            None,
            None,
            _("找不到表头：第一列应为“{name}”。请使用下载的模板。").format(name=headers[0]),
        )
        return []
    number, texts = found
    positions = {text: index for index, text in enumerate(texts) if text in headers}
    optional = {c.header for c in spec.columns if c.kind == "version"}  # older templates
    missing = [h for h in headers if h not in positions and h not in optional]
    if missing:
        report.error(
            spec.title,
            number,
            None,
            _("表头与模板不一致，缺少列：{names}。请使用下载的模板。").format(
                names="、".join(missing)
            ),
        )
        return []
    result: list[Row] = []
    wanted = [(c.key, positions[c.header]) for c in spec.columns if c.header in positions]
    most_cells, cells_read = limit("SHEET_MAX_CELLS"), len(texts)
    for row in rows:
        number += 1
        size = len(row)
        cells_read += max(size, 1)
        if cells_read > most_cells:
            report.error(
                spec.title,
                number,
                None,
                _("单元格超过 {n} 个（含空白单元格），请删除多余的行列或拆分后导入。").format(
                    n=most_cells
                ),
            )
            break
        cells = {key: row[index] if index < size else None for key, index in wanted}
        if all(cell is None or cell_text(cell.value) is None for cell in cells.values()):
            continue
        if len(result) >= MAX_ROWS:
            report.error(
                spec.title, number, None, _("行数超过 {n}，请拆分后导入。").format(n=MAX_ROWS)
            )
            break
        result.append((number, cells))
    return result
