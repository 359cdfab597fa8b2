"""Applying the validated rows of one template, sheet by sheet, through the forms' hooks
(`app.services.review.records`), recording every problem and change in the report.

Records match by code; contacts by department and staff number, or name; the materials and
nodes of an item replace its list, matched by position. A submitted record is left alone and
reported; an approved one becomes a new draft (the workflow's rule, applied by the hooks).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Contact, Department, Material, ServiceItem
from app.models.user import Actor
from app.models.validators import position_taken
from app.services.access import scope
from app.services.errors import DomainError
from app.services.review import records
from app.services.sheets import checks
from app.services.sheets.cells import CellError, parse
from app.services.sheets.departments import apply_departments
from app.services.sheets.lookups import CHUNK, Lookups
from app.services.sheets.reading import Row
from app.services.sheets.report import Diff, ImportReport
from app.services.sheets.specs import Column, SheetSpec
from app.services.sheets.values import comparable

Values = dict[str, Any]


def differences(columns: list[Column], record: object, values: Mapping) -> Diff:
    """The columns whose stored value differs from the row's, with both values."""
    diff = []
    for column in columns:
        old, new = getattr(record, column.key), values.get(column.key)
        if comparable(column, old) != comparable(column, new):
            diff.append((column, old, new))
    return diff


class Applier:
    """Applies the rows of one template, sheet by sheet, recording every problem and change."""

    def __init__(
        self,
        session: Session,
        user: Actor,
        lookups: Lookups,
        report: ImportReport,
        progress: Callable[[int], None] | None,
    ) -> None:
        self.session, self.user, self.lookups = session, user, lookups
        self.report, self.progress = report, progress
        self.items: dict[str, ServiceItem] = {}  # code -> item (existing or added by this file)
        self.versions: dict[tuple[str, int], int] = {}  # (sheet, row) -> version in the file
        # Codes of item rows refused with an error of their own: their materials and nodes are
        # not reported again as naming a missing item (one bad cell, one message).
        self.refused: set[str] = set()

    def sheet(self, spec: SheetSpec, rows: list[Row]) -> None:
        """Apply the rows of one data sheet."""
        if spec.parent == "item":
            self._children(spec, rows)
        elif spec.model is Department:
            apply_departments(self, spec, rows)
        elif spec.model is Contact:
            self._contacts(spec, rows)
        else:
            self._coded(spec, rows)

    # rows -> parsed values -------------------------------------------------------------------
    def _parsed(self, spec: SheetSpec, rows: list[Row]):
        """(number, values) of each row whose cells all parse; the others are reported."""
        for number, cells in rows:
            values = self._parse(spec, number, cells)
            if self.progress:
                self.progress(1)
            if values is not None:
                yield number, values
            elif spec.model is ServiceItem:
                self._refuse(cells.get("code"))

    def _refuse(self, code: Any) -> None:
        value = getattr(code, "value", code)
        if value is not None and str(value).strip():
            self.refused.add(str(value).strip())

    def _parse(self, spec: SheetSpec, number: int, cells: Mapping) -> Values | None:
        values: Values = {}
        ok = True
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
        if ok:
            checks.read_limits(self.report, spec, number, values)
            version = values.pop("row_version", None)
            if version is not None:
                self.versions[spec.title, number] = version
        return values if ok else None

    def _check_department(self, spec: SheetSpec, number: int, values: Values) -> bool:
        dept, only = values.get("department"), self.lookups.only
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

    # records matched by code ----------------------------------------------------------------
    def _coded(self, spec: SheetSpec, rows: list[Row]) -> None:
        parsed, seen = [], {}
        for number, values in self._parsed(spec, rows):
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
        existing = self._existing(spec, [values["code"] for _n, values in parsed])
        for number, values in parsed:
            record = existing.get(values["code"])
            if record is not None and not scope.is_visible(self.user, record):
                self.report.error(
                    spec.title,
                    number,
                    spec.column("code").header,
                    _("编码“{code}”已被其他部门使用。").format(code=values["code"]),
                )
                self._refuse(values["code"])
                continue
            record = self._apply(spec, number, values["code"], record, values)
            if isinstance(record, ServiceItem):
                self.items[record.code] = record
            elif spec.model is ServiceItem:
                self._refuse(values["code"])

    def _existing(self, spec: SheetSpec, codes: list[str]) -> dict[str, Any]:
        if spec.model is ServiceItem:
            return self.lookups.load_items(codes, children=False)
        existing = {}
        for start in range(0, len(codes), CHUNK):
            chunk = codes[start : start + CHUNK]
            for record in self.session.scalars(
                select(spec.model).where(spec.model.code.in_(chunk))
            ):
                existing[record.code] = record
        return existing

    # contacts matched by department and staff number or name ----------------------------------
    def _contacts(self, spec: SheetSpec, rows: list[Row]) -> None:
        dept_ids = {d.id for d in self.lookups.departments.values()}
        query = select(Contact).where(Contact.department_id.in_(dept_ids))
        existing = list(self.session.scalars(scope.apply_scope(query, Contact, self.user)))
        seen = {}
        for number, values in self._parsed(spec, rows):
            dept, staff_no = values["department"], values.get("staff_no")
            key = (dept.id, "no", staff_no) if staff_no else (dept.id, "name", values["name"])
            if key in seen:
                self.report.error(
                    spec.title,
                    number,
                    spec.column("name").header,
                    _("与第 {row} 行是同一联系人。").format(row=seen[key]),
                )
                continue
            seen[key] = number
            matches = _contact_matches(existing, dept.id, staff_no, values["name"])
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
    def _apply(self, spec: SheetSpec, number: int, label: str, record: Any, values: Values) -> Any:
        columns = [c for c in spec.columns if c.stored]
        if not checks.hosts_allowed(self.report, self.lookups, spec, number, record, values):
            return record
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
            self.report.added(spec.title, number, label, columns, values)
            return record
        diff = differences(columns, record, values)
        if not diff:
            self.report.count(spec.title, "same")
            return record
        if checks.stale(self.report, spec, number, label, record, self.versions):
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
        self.report.changed(spec.title, number, label, diff)
        return record

    # materials and nodes: the rows of an item replace its list -------------------------------
    def _children(self, spec: SheetSpec, rows: list[Row]) -> None:
        by_item, seen = {}, {}
        for number, values in self._parsed(spec, rows):
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
        known = [c for c in by_item if c in self.items and self.items[c].id is not None]
        with_children = self.lookups.load_items(known + list(loaded), children=True)
        relation = "materials" if spec.model is Material else "nodes"
        for code, item_rows in by_item.items():
            item = self.items.get(code) or with_children.get(code) or loaded.get(code)
            if code in self.refused:
                continue  # its own row already carries the error
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

    def _plan(self, spec, columns, current, wanted):
        plan = []
        for position, (number, values) in sorted(wanted.items()):
            child = current.get(position)
            if child is None:
                plan.append(("add", number, position, None, values, []))
                continue
            diff = differences(columns, child, values)
            if diff:
                plan.append(("change", number, position, child, values, diff))
            else:
                self.report.count(spec.title, "same")
        for position, child in current.items():
            if position not in wanted:
                plan.append(("delete", None, position, child, None, []))
        return plan

    def _sync(self, spec: SheetSpec, item: ServiceItem, relation: str, item_rows: list) -> None:
        columns = [c for c in spec.columns if c.imported and c.kind != "item"]
        children = getattr(item, relation)
        current = {child.position: child for child in children}
        wanted = {values["position"]: (number, values) for number, values in item_rows}
        plan = self._plan(spec, columns, current, wanted)
        if not plan:
            return
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
            label = f"{item.code} #{position}"
            try:
                if action == "add":
                    fields = {k: v for k, v in values.items() if k != "item"}
                    child = spec.model(item=item, **fields)
                    records.before_create(self.session, child, self.user)
                    self.session.add(child)
                    self.report.added(spec.title, number, label, columns, values)
                elif action == "change":
                    for column, _old, new in diff:
                        setattr(child, column.key, new)
                    records.before_update(self.session, child, self.user)
                    self.report.changed(spec.title, number, label, diff)
                else:
                    records.before_delete(self.session, child, self.user)
                    children.remove(child)
                    self.report.deleted(
                        spec.title, label, columns[1], getattr(child, columns[1].key)
                    )
            except DomainError as error:
                if action == "add" and child is not None and child in children:
                    children.remove(child)
                self.report.error(spec.title, number or item_rows[0][0], None, str(error))
                return


def _contact_matches(
    existing: list[Contact], dept_id: int, staff_no: str | None, name: str
) -> list[Contact]:
    """The stored contacts a row names: by staff number, else by name (those without one
    first)."""
    same_dept = [c for c in existing if c.department_id == dept_id]
    if staff_no:
        return [c for c in same_dept if c.staff_no == staff_no]
    matches = [c for c in same_dept if c.name == name and not c.staff_no]
    return matches or [c for c in same_dept if c.name == name]
