"""Importing a filled template (附件1-4): check the file, validate every row, then apply.

`run_import(session, data, user)` reads the workbook (`reading`), checks every cell and every
row, and applies the rows (`applying`) through the same hooks as the forms
(`app.services.review.records`: the department scope, the workflow and the lifecycle), so an
approved record becomes a new draft and a submitted one is left alone and reported. Rows match
by code (contacts by department and staff number, or name), so importing a file twice changes
nothing. The caller commits only when the report (`report`) has no error and the run is not a
dry run: one file is one transaction. Every change is audited by the session's audit hook, and
the import itself by an `import` event.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.models import Department
from app.models.user import Actor
from app.services.access import permissions, scope
from app.services.errors import DomainError, PermissionDeniedError
from app.services.sheets.applying import Applier
from app.services.sheets.lookups import Lookups
from app.services.sheets.reading import Row, SheetFileError, open_workbook, read_sheet
from app.services.sheets.report import ImportReport
from app.services.sheets.specs import Template, detect, templates
from app.services.trail import audit


def run_import(
    session: Session,
    data: bytes,
    user: Actor,
    department: Department | None = None,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Validate and apply `data` (XLSX bytes) as `user`; returns an ImportReport.

    Nothing is committed here. With `dry_run`, or when the report has an error, the caller must
    roll back; otherwise commit. `department` (a Department) restricts every row to it; a
    department contact is always restricted to their own. `progress(n)` is told of n rows done.
    """
    permissions.ensure(user, "import")
    spec, report, sheets = _read(data)
    if report.errors:
        return report
    report.rows = sum(len(rows) for rows in sheets.values())
    department = _department(session, user, department)
    applier = Applier(session, user, Lookups(session, user, department), report, progress)
    with session.no_autoflush:
        for sheet_spec in spec.sheets:
            applier.sheet(sheet_spec, sheets.get(sheet_spec.title, []))
    if report.ok:
        try:
            session.flush()
        except DomainError as error:
            report.error(spec.sheets[0].title, None, None, str(error))
    if report.ok and not dry_run and any(report.total(a) for a in ("add", "change", "delete")):
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


def _read(data: bytes) -> tuple[Template, ImportReport, dict[str, list[Row]]]:
    """The template of the file, a report with its header problems, and each sheet's rows."""
    book = open_workbook(data)
    try:
        spec = detect(book.sheetnames)
        if spec is None:
            raise SheetFileError(
                _("不是本系统的导入模板：找不到工作表{names}。请先下载模板再填写。").format(
                    names="、".join(f"“{t.sheets[-1].title}”" for t in templates().values())
                )
            )
        report = ImportReport(template=spec)
        sheets = {}
        for sheet_spec in spec.sheets:
            if sheet_spec.title not in book.sheetnames and sheet_spec.optional:
                continue
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
    return spec, report, sheets


def _department(session: Session, user: Actor, department: Department | None) -> Department | None:
    """The department every row must belong to: a contact's own, else the one asked for."""
    dept_scope = scope.scope_department_id(user)
    if dept_scope is None:
        return department
    own = session.get(Department, dept_scope)
    if own is None:
        raise PermissionDeniedError(_("您的账号未关联部门，不能导入。"))
    if department is not None and department.id != own.id:
        raise PermissionDeniedError(_("只能导入本部门的数据。"))
    return own
