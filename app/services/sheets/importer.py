"""Importing a filled template (附件1-4): check the file, validate every row, then apply.

`run_import(session, data, user)` reads the workbook with openpyxl, checks every cell and every
row, and applies the rows through the same hooks as the forms (`app.services.review.records`: the
department scope, the workflow and the lifecycle), so an approved record becomes a new draft and a
submitted one is left alone and reported. Rows match by code (contacts by department and staff
number, or name), so importing a file twice changes nothing. The caller commits only when the
report has no error and the run is not a dry run: one file is one transaction. Every change is
audited by the session's audit hook, and the import itself by an `import` event.
"""

import io
import zipfile
from dataclasses import dataclass, field

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.models import Contact, Department, InformationSystem, Material, ServiceItem
from app.models.validators import position_taken
from app.services.access import permissions, scope
from app.services.errors import DomainError, PermissionDeniedError
from app.services.review import records
from app.services.sheets.cells import CellError, ChoiceMaps, cell_text, comparable, display, parse
from app.services.sheets.specs import detect
from app.services.trail import audit

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
DETAIL_LIMIT = 2000


class SheetFileError(DomainError):
    """The upload is not a usable template; the message says why in Chinese."""


@dataclass
class Problem:
    """One reason a row cannot be imported (level error) or was left alone (level warning)."""

    sheet: str
    row: int | None
    column: str | None
    message: str
    level: str = "error"


@dataclass
class Change:
    """What importing one row does: add, change, delete, or nothing."""

    sheet: str
    row: int | None
    key: str
    action: str  # add, change, delete
    fields: list = field(default_factory=list)  # (label, before, after)


@dataclass
class ImportReport:
    """The outcome of a run: the template, the problems and the changes (applied or not)."""

    template: object = None
    problems: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)  # sheet -> {add, change, delete, same, skip}
    rows: int = 0

    @property
    def ok(self):
        return not self.errors

    @property
    def errors(self):
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self):
        return [p for p in self.problems if p.level == "warning"]

    def count(self, sheet, what):
        bucket = self.counts.setdefault(
            sheet, {"add": 0, "change": 0, "delete": 0, "same": 0, "skip": 0}
        )
        bucket[what] += 1

    def total(self, what):
        return sum(bucket[what] for bucket in self.counts.values())

    def error(self, sheet, row, column, message):
        self.problems.append(Problem(sheet, row, column, str(message)))

    def warn(self, sheet, row, column, message):
        self.problems.append(Problem(sheet, row, column, str(message), "warning"))


# --- the file ---------------------------------------------------------------------------------


def limit(name):
    """A size limit: the app's setting when there is an app, else the default."""
    if has_app_context():
        return current_app.config.get(name, LIMITS[name])
    return LIMITS[name]


def check_archive(infos):
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


def open_workbook(data):
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


def read_sheet(ws, spec, report):
    """[(row number, {key: raw value})] of a data sheet; header problems go to the report."""
    rows = ws.iter_rows()
    headers = [c.header for c in spec.columns if c.imported]
    found = None
    for number in range(1, HEADER_SEARCH_ROWS + 1):
        row = next(rows, None)
        if row is None:
            break
        texts = [cell_text(c.value) for c in row]
        if texts and texts[0] == headers[0]:
            found = (number, texts)
            break
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
    missing = [h for h in headers if h not in positions]
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
    result = []
    wanted = [(c.key, positions[c.header]) for c in spec.columns if c.imported]
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


# --- lookups ----------------------------------------------------------------------------------


class Lookups(ChoiceMaps):
    """Departments and systems a file may name, and the records its rows may match."""

    def __init__(self, session, user, department):
        super().__init__()
        self.session, self.user = session, user
        self.departments = {}
        for dept in session.scalars(select(Department)):
            self.departments[dept.name] = dept
            self.departments[dept.code] = dept
        query = scope.hosting_system_choices(user, session.query(InformationSystem))
        self.systems = {s.code: s for s in query}
        by_name = {}
        for system in self.systems.values():
            by_name.setdefault(system.name, []).append(system)
        for name, found in by_name.items():
            if len(found) == 1 and name not in self.systems:
                self.systems[name] = found[0]
        self.only = department  # a Department the rows must belong to, or None

    def load_items(self, codes, children):
        query = (
            select(ServiceItem).where(ServiceItem.code.in_(codes))
            if codes is not None
            else select(ServiceItem)
        )
        if children:
            query = query.options(
                selectinload(ServiceItem.materials), selectinload(ServiceItem.nodes)
            )
        found = {}
        codes = list(codes or [])
        for start in range(0, max(len(codes), 1), 900):
            chunk = (
                query
                if not codes
                else query.where(ServiceItem.code.in_(codes[start : start + 900]))
            )
            for item in self.session.scalars(chunk).unique():
                found[item.code] = item
        return found


# --- the run ----------------------------------------------------------------------------------


def run_import(session, data, user, department=None, dry_run=False, progress=None):
    """Validate and apply `data` (XLSX bytes) as `user`; returns an ImportReport.

    Nothing is committed here. With `dry_run`, or when the report has an error, the caller must
    roll back; otherwise commit. `department` (a Department) restricts every row to it; a
    department contact is always restricted to their own. `progress(n)` is told of n rows done.
    """
    permissions.ensure(user, "import")
    book = open_workbook(data)
    try:
        spec = detect(book.sheetnames)
        if spec is None:
            raise SheetFileError(
                _("不是本系统的导入模板：找不到工作表{names}。请先下载模板再填写。").format(
                    names="、".join(f"“{t.sheets[0].title}”" for t in _all_templates())
                )
            )
        report = ImportReport(template=spec)
        sheets = {}
        for sheet_spec in spec.sheets:
            if sheet_spec.title not in book.sheetnames:
                report.error(
                    sheet_spec.title,
                    None,
                    None,
                    _("缺少工作表“{name}”。请使用下载的模板。").format(name=sheet_spec.title),
                )
                continue
            sheets[sheet_spec.title] = read_sheet(book[sheet_spec.title], sheet_spec, report)
    finally:
        book.close()
    if report.errors:
        return report
    report.rows = sum(len(rows) for rows in sheets.values())
    dept_scope = scope.scope_department_id(user)
    if dept_scope is not None:
        own = session.get(Department, dept_scope)
        if own is None:
            raise PermissionDeniedError(_("您的账号未关联部门，不能导入。"))
        if department is not None and department.id != own.id:
            raise PermissionDeniedError(_("只能导入本部门的数据。"))
        department = own
    lookups = Lookups(session, user, department)
    importer = _Importer(session, user, lookups, report, progress)
    with session.no_autoflush:
        for sheet_spec in spec.sheets:
            importer.sheet(sheet_spec, sheets.get(sheet_spec.title, []))
    if report.ok:
        try:
            session.flush()
        except DomainError as error:
            report.error(spec.sheets[0].title, None, None, str(error))
    if (
        report.ok
        and not dry_run
        and (report.total("add") or report.total("change") or report.total("delete"))
    ):
        audit.record_event(
            session,
            "import",
            record_type="sheet",
            department_id=department.id if department is not None else None,
            summary=_("导入{title}：新增 {a}，修改 {c}，删除 {d}").format(
                title=str(spec.title),
                a=report.total("add"),
                c=report.total("change"),
                d=report.total("delete"),
            ),
        )
    return report


def _all_templates():
    from app.services.sheets.specs import templates

    return templates().values()


class _Importer:
    """Applies the rows of one template, sheet by sheet, recording every problem and change."""

    def __init__(self, session, user, lookups, report, progress):
        self.session, self.user, self.lookups = session, user, lookups
        self.report, self.progress = report, progress
        self.items = {}  # code -> ServiceItem (existing or added by this file)

    def _tick(self):
        if self.progress:
            self.progress(1)

    # rows -> parsed values -------------------------------------------------------------------
    def _parse(self, spec, number, cells):
        values, ok = {}, True
        for column in spec.columns:
            if not column.imported:
                continue
            cell = cells.get(column.key)
            if cell is not None and getattr(cell, "data_type", None) == "f":
                self.report.error(
                    spec.title, number, column.header, _("不能使用公式，请直接填写内容。")
                )
                ok = False
                continue
            try:
                values[column.key] = parse(
                    column, cell.value if cell is not None else None, self.lookups
                )
            except CellError as error:
                self.report.error(spec.title, number, column.header, str(error))
                ok = False
        if values.get("department") is not None:
            ok = self._check_department(spec, number, values) and ok
        return values if ok else None

    def _check_department(self, spec, number, values):
        dept = values.get("department")
        only = self.lookups.only
        if dept is not None and only is not None and dept.id != only.id:
            self.report.error(
                spec.title,
                number,
                spec.column("department").header,
                _("只能导入本部门（{name}）的数据，本行填写的是“{other}”。").format(
                    name=only.name, other=dept.name
                ),
            )
            return False
        return True

    def sheet(self, spec, rows):
        if spec.parent == "item":
            return self._children(spec, rows)
        if spec.model is Contact:
            return self._contacts(spec, rows)
        return self._coded(spec, rows)

    # records matched by code ----------------------------------------------------------------
    def _coded(self, spec, rows):
        parsed, seen = [], {}
        for number, cells in rows:
            values = self._parse(spec, number, cells)
            self._tick()
            if values is None:
                continue
            code = values["code"]
            if code in seen:
                self.report.error(
                    spec.title,
                    number,
                    spec.column("code").header,
                    _("编码“{code}”与第 {row} 行重复。").format(code=code, row=seen[code]),
                )
                continue
            seen[code] = number
            parsed.append((number, values))
        codes = [values["code"] for _n, values in parsed]
        if spec.model is ServiceItem:
            existing = self.lookups.load_items(codes, children=False)
        else:
            existing = {}
            for start in range(0, len(codes), 900):
                for record in self.session.scalars(
                    select(spec.model).where(spec.model.code.in_(codes[start : start + 900]))
                ):
                    existing[record.code] = record
        for number, values in parsed:
            record = existing.get(values["code"])
            if record is not None and not scope.is_visible(self.user, record):
                self.report.error(
                    spec.title,
                    number,
                    spec.column("code").header,
                    _("编码“{code}”已被其他部门使用。").format(code=values["code"]),
                )
                continue
            record = self._apply(spec, number, values["code"], record, values)
            if isinstance(record, ServiceItem):
                self.items[record.code] = record

    # contacts matched by department and staff number or name ----------------------------------
    def _contacts(self, spec, rows):
        dept_ids = {d.id for d in self.lookups.departments.values()}
        query = select(Contact).where(Contact.department_id.in_(dept_ids))
        query = scope.apply_scope(query, Contact, self.user)
        existing = list(self.session.scalars(query))
        seen = {}
        for number, cells in rows:
            values = self._parse(spec, number, cells)
            self._tick()
            if values is None:
                continue
            dept = values["department"]
            key = (
                (dept.id, "no", values["staff_no"])
                if values.get("staff_no")
                else (dept.id, "name", values["name"])
            )
            if key in seen:
                self.report.error(
                    spec.title,
                    number,
                    spec.column("name").header,
                    _("与第 {row} 行是同一联系人。").format(row=seen[key]),
                )
                continue
            seen[key] = number
            if values.get("staff_no"):
                matches = [
                    c
                    for c in existing
                    if c.department_id == dept.id and c.staff_no == values["staff_no"]
                ]
            else:
                matches = [
                    c
                    for c in existing
                    if c.department_id == dept.id and c.name == values["name"] and not c.staff_no
                ]
                if not matches:
                    matches = [
                        c
                        for c in existing
                        if c.department_id == dept.id and c.name == values["name"]
                    ]
            if len(matches) > 1:
                self.report.error(
                    spec.title,
                    number,
                    spec.column("name").header,
                    _("本部门有多位同名联系人，请填写工号以区分。"),
                )
                continue
            label = "{} {}".format(dept.name, values["name"])
            record = self._apply(spec, number, label, matches[0] if matches else None, values)
            if record is not None and not matches:
                existing.append(record)

    # one record ------------------------------------------------------------------------------
    def _apply(self, spec, number, label, record, values):
        columns = [c for c in spec.columns if c.imported]
        if record is None:
            record = spec.model(**values)
            try:
                records.before_create(self.session, record, self.user)
            except DomainError as error:
                self.report.error(spec.title, number, None, str(error))
                if record in self.session:
                    self.session.expunge(record)
                return None
            self.session.add(record)
            self.report.count(spec.title, "add")
            self.report.changes.append(
                Change(
                    spec.title,
                    number,
                    label,
                    "add",
                    [
                        (c.header, "", display(c, values.get(c.key)))
                        for c in columns
                        if values.get(c.key) not in (None, "", False)
                    ],
                )
            )
            return record
        diff = []
        for column in columns:
            old = getattr(record, column.key)
            new = values.get(column.key)
            if comparable(column, old) != comparable(column, new):
                diff.append((column, old, new))
        if not diff:
            self.report.count(spec.title, "same")
            return record
        if record.status == "submitted":
            self.report.count(spec.title, "skip")
            self.report.warn(
                spec.title,
                number,
                None,
                _("“{name}”已提交审核，本行的修改未导入；请撤回后再导入，或等待审核结果。").format(
                    name=label
                ),
            )
            return record
        for column, _old, new in diff:
            setattr(record, column.key, new)
        try:
            records.before_update(self.session, record, self.user)
        except DomainError as error:
            for column, old, _new in diff:
                setattr(record, column.key, old)
            self.report.error(spec.title, number, None, str(error))
            return record
        self.report.count(spec.title, "change")
        self.report.changes.append(
            Change(
                spec.title,
                number,
                label,
                "change",
                [
                    (column.header, display(column, old), display(column, new))
                    for column, old, new in diff
                ],
            )
        )
        return record

    # materials and nodes: the rows of an item replace its list -------------------------------
    def _children(self, spec, rows):
        by_item, seen = {}, {}
        for number, cells in rows:
            values = self._parse(spec, number, cells)
            self._tick()
            if values is None:
                continue
            key = (values["item"], values["position"])
            earlier = [(p, name) for (code, p), (_row, name) in seen.items() if code == key[0]]
            refusal = position_taken(values["position"], earlier, spec.column("position").header)
            if refusal:
                self.report.error(
                    spec.title,
                    number,
                    spec.column("position").header,
                    _("{refusal}（与第 {row} 行相同）").format(refusal=refusal, row=seen[key][0]),
                )
                continue
            seen[key] = (number, values.get("name", ""))
            by_item.setdefault(values["item"], []).append((number, values))
        missing = [code for code in by_item if code not in self.items]
        loaded = self.lookups.load_items(missing, children=False) if missing else {}
        codes = [code for code in by_item]
        with_children = self.lookups.load_items(
            [c for c in codes if c in self.items and self.items[c].id is not None] + list(loaded),
            children=True,
        )
        relation = "materials" if spec.model is Material else "nodes"
        for code, item_rows in by_item.items():
            item = self.items.get(code) or with_children.get(code) or loaded.get(code)
            if item is None or not scope.is_visible(self.user, item):
                for number, _values in item_rows:
                    self.report.error(
                        spec.title,
                        number,
                        spec.column("item").header,
                        _("事项编码“{code}”不存在，请先在“服务事项”表中填写该事项。").format(
                            code=code
                        ),
                    )
                continue
            self._sync(spec, item, relation, item_rows)

    def _sync(self, spec, item, relation, item_rows):
        columns = [c for c in spec.columns if c.imported and c.kind != "item"]
        current = {child.position: child for child in getattr(item, relation)}
        wanted = {values["position"]: (number, values) for number, values in item_rows}
        plan = []
        for position, (number, values) in sorted(wanted.items()):
            child = current.get(position)
            if child is None:
                plan.append(("add", number, position, None, values, []))
                continue
            diff = [
                (c, getattr(child, c.key), values.get(c.key))
                for c in columns
                if comparable(c, getattr(child, c.key)) != comparable(c, values.get(c.key))
            ]
            if diff:
                plan.append(("change", number, position, child, values, diff))
            else:
                self.report.count(spec.title, "same")
        for position, child in current.items():
            if position not in wanted:
                plan.append(("delete", None, position, child, None, []))
        if not plan:
            return
        label_of = "{} #{}".format
        if item.status == "submitted":
            for _step in plan:
                self.report.count(spec.title, "skip")
            self.report.warn(
                spec.title,
                item_rows[0][0],
                None,
                _(
                    "事项“{code}”已提交审核，其{sheet}的修改未导入；请撤回后再导入，或等待审核结果。"
                ).format(code=item.code, sheet=spec.title),
            )
            return
        for action, number, position, child, values, diff in plan:
            try:
                if action == "add":
                    fields = {k: v for k, v in values.items() if k != "item"}
                    child = spec.model(item=item, **fields)
                    records.before_create(self.session, child, self.user)
                    self.session.add(child)
                    self.report.changes.append(
                        Change(
                            spec.title,
                            number,
                            label_of(item.code, position),
                            "add",
                            [
                                (c.header, "", display(c, values.get(c.key)))
                                for c in columns
                                if values.get(c.key) not in (None, "", False)
                            ],
                        )
                    )
                elif action == "change":
                    for column, _old, new in diff:
                        setattr(child, column.key, new)
                    records.before_update(self.session, child, self.user)
                    self.report.changes.append(
                        Change(
                            spec.title,
                            number,
                            label_of(item.code, position),
                            "change",
                            [(c.header, display(c, old), display(c, new)) for c, old, new in diff],
                        )
                    )
                else:
                    records.before_delete(self.session, child, self.user)
                    getattr(item, relation).remove(child)
                    self.report.changes.append(
                        Change(
                            spec.title,
                            None,
                            label_of(item.code, position),
                            "delete",
                            [
                                (c.header, display(c, getattr(child, c.key)), "")
                                for c in columns[1:2]
                            ],
                        )
                    )
            except DomainError as error:
                if action == "add" and child is not None and child in getattr(item, relation):
                    getattr(item, relation).remove(child)
                self.report.error(spec.title, number or item_rows[0][0], None, str(error))
                return
            self.report.count(spec.title, action)
