"""The 部门 sheet of 附件1: a college creates and updates its departments from one sheet.

Rows match departments by code; a department the file leaves out is kept (never deleted). Only
the IT office may add or change a department (`permissions` action `import_departments`): for
anyone else a row that differs from the stored department is an error, an unchanged row counts
as the same, so a contact re-imports their own untouched template. A name must name one
department only: it may not be another department's name, nor another department's code, so
that the contacts below (and every other sheet) can name a department by either without doubt.
The departments are flushed before the contacts sheet is read, which may then name them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy import select

from app.models import AuditEntry, Department
from app.services.access import permissions
from app.services.sheets import checks

if TYPE_CHECKING:
    from app.services.sheets.applying import Applier
    from app.services.sheets.reading import Row
    from app.services.sheets.specs import SheetSpec

# Stored when a row leaves the cell blank (the columns' own defaults).
DEFAULTS = {"kind": "functional", "sort_order": 0}


def apply_departments(applier: Applier, spec: SheetSpec, rows: list[Row]) -> None:
    """Add or change the departments of the 部门 sheet's rows, recording each in the report."""
    report, session = applier.report, applier.session
    stored = {d.code: d for d in session.scalars(select(Department))}
    parsed = _unique_rows(applier, spec, rows)
    renamed = {values["code"] for _n, values in parsed if values["code"] in stored}
    # Names and codes after the file is applied: a stored department the file names keeps
    # the file's name; the others keep their own.
    names = {d.name: d.code for d in stored.values() if d.code not in renamed}
    names.update({values["name"]: values["code"] for _n, values in parsed})
    codes = set(stored) | {values["code"] for _n, values in parsed}
    may_write = permissions.can(applier.user, "import_departments")
    only = applier.lookups.only
    for number, values in parsed:
        code, name = values["code"], values["name"]
        if only is not None and code != only.code:
            report.error(
                spec.title,
                number,
                spec.column("code").header,
                _("只能导入本部门（{name}）的数据，本行填写的是“{other}”。").format(
                    name=only.name, other=code
                ),
            )
            continue
        clash = _clash(code, name, codes, names)
        _apply(applier, spec, number, stored.get(code), values, may_write, clash)
    session.flush()
    applier.lookups.load_departments()


def _clash(code: str, name: str, codes: set, names: dict) -> tuple[str, str] | None:
    """(column, message) when the row's name is another department's code, or its code
    another department's name: a cell that says it could then mean either."""
    if name in codes and name != code:
        return "name", _(
            "部门名称“{name}”与另一部门的部门代码相同，填写“{name}”时将无法确定是哪个部门；"
            "请换一个名称。"
        ).format(name=name)
    if names.get(code, code) != code:
        return "code", _(
            "部门代码“{code}”与部门“{other}”的名称相同，填写“{code}”时将无法确定是哪个部门；"
            "请换一个代码。"
        ).format(code=code, other=names[code])
    return None


def _unique_rows(applier: Applier, spec: SheetSpec, rows: list[Row]) -> list[tuple[int, dict]]:
    """The rows whose cells parse and whose code and name no earlier row has."""
    parsed, seen = [], {}
    for number, values in applier._parsed(spec, rows):
        for value in DEFAULTS:
            if values.get(value) is None:
                values[value] = DEFAULTS[value]
        duplicate = False
        for key, message in (
            ("code", _("部门代码“{value}”与第 {row} 行重复。")),
            ("name", _("部门名称“{value}”与第 {row} 行重复。")),
        ):
            earlier = seen.get((key, values[key]))
            if earlier is not None:
                report_row = message.format(value=values[key], row=earlier)
                applier.report.error(spec.title, number, spec.column(key).header, report_row)
                duplicate = True
        if duplicate:
            continue
        seen[("code", values["code"])] = seen[("name", values["name"])] = number
        parsed.append((number, values))
    return parsed


def _name_taken(applier: Applier, spec: SheetSpec, number: int, values: dict) -> bool:
    """True (and reported) when another stored department already has the row's name."""
    other = applier.session.scalar(
        select(Department).where(
            Department.name == values["name"], Department.code != values["code"]
        )
    )
    if other is None:
        return False
    applier.report.error(
        spec.title,
        number,
        spec.column("name").header,
        _("部门名称“{name}”已被部门代码为“{code}”的部门使用；部门名称在全校唯一。").format(
            name=values["name"], code=other.code
        ),
    )
    return True


def _apply(
    applier: Applier,
    spec: SheetSpec,
    number: int,
    record: Department | None,
    values: dict[str, Any],
    may_write: bool,
    clash: tuple[str, str] | None,
) -> None:
    from app.services.sheets.applying import differences

    report = applier.report
    columns = [c for c in spec.columns if c.stored]
    label = "{} {}".format(values["code"], values["name"])
    diff = differences(columns, record, values) if record is not None else None
    if diff == []:
        report.count(spec.title, "same")
        return
    if not may_write:
        report.error(
            spec.title,
            number,
            None,
            _("只有信息中心管理员可以新增或修改部门；请不要修改本表，或删除本行后再导入。")
            if record is not None
            else _("部门“{name}”不存在；只有信息中心管理员可以新增部门。").format(name=label),
        )
        return
    if clash is not None:  # checked on the rows that write: stored data may hold a clash
        report.error(spec.title, number, spec.column(clash[0]).header, clash[1])
        return
    if _name_taken(applier, spec, number, values):
        return
    if record is None:
        applier.session.add(Department(**values))
        report.added(spec.title, number, label, columns, values)
        return
    who = _last_editor(applier, record)
    if checks.stale(report, spec, number, label, record, applier.versions, who=who):
        return
    for column, _old, new in diff:
        setattr(record, column.key, new)
    report.changed(spec.title, number, label, diff)


def _last_editor(applier: Applier, record: Department) -> str | None:
    """Who last changed the department, from the audit trail (departments keep no user)."""
    return applier.session.scalar(
        select(AuditEntry.username)
        .where(
            AuditEntry.record_type == Department.__tablename__, AuditEntry.record_id == record.id
        )
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    )
