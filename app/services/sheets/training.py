"""Importing a training session's attendance and assessment results (measures art. 18).

The IT office fills the template (`template_workbook`): one row per person and session, the
person named by 统一身份认证账号 or 工号. `run_import(session, data, user, dry_run)` reads the
sheet with the campaign templates' reader and cell parsers (`reading`, `cells`), checks every
cell and row, and reports each problem at its row and column in Chinese; it writes only when
the whole file is clean (all or nothing; the caller commits, or rolls back on a dry run or an
error). A row matches an existing record by account, training name and date, so importing the
same file twice changes nothing. Each record is audited by the session's audit hook, the
import by an `import` event.
"""

from __future__ import annotations

from datetime import date

from flask import current_app, has_app_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import ConsoleUser, TrainingRecord
from app.models.labels import labels
from app.models.user import Actor
from app.reports.training_sheet import write_template
from app.services.access import permissions
from app.services.sheets.cells import CellError, ChoiceMaps, cell_text, parse
from app.services.sheets.reading import SheetFileError, open_workbook, read_sheet
from app.services.sheets.report import ImportReport
from app.services.sheets.specs import Column, SheetSpec, Template
from app.services.trail import audit

PASS_SCORE = 60  # the default of TRAINING_PASS_SCORE: a score from it up passes
COMPARED = ("display_name", "passed", "score", "valid_until")


def spec() -> Template:
    """The template: one sheet, its columns labelled as the record's fields are."""
    names = labels(TrainingRecord)
    columns = [
        Column("username", names["username"], max_length=64, width=18),
        Column("staff_no", _l("工号"), max_length=32, width=12),
        Column("display_name", names["display_name"], required=True, max_length=64),
        Column("session_name", names["session_name"], required=True, max_length=120, width=30),
        Column("session_date", names["session_date"], kind="date", required=True, width=14),
        Column("passed", names["passed"], kind="bool", width=12),
        Column("score", names["score"], kind="int", width=12),
        Column("valid_until", names["valid_until"], kind="date", width=14),
    ]
    sheet = SheetSpec(
        _l("培训考核"), TrainingRecord, columns, ("username", "session_name", "session_date")
    )
    return Template("training", _l("培训考核结果导入表"), [sheet])


def pass_score() -> int:
    if has_app_context():
        return int(current_app.config.get("TRAINING_PASS_SCORE", PASS_SCORE))
    return PASS_SCORE


def template_workbook(session: Session, user: Actor) -> tuple[str, bytes]:
    """(file name, bytes) of the empty template; the download is audited."""
    permissions.ensure(user, "keep_training")
    template = spec()
    audit.record_event(
        session, "export", record_type="sheet", summary=_("下载模板：{t}").format(t=template.title)
    )
    return f"{template.title}.xlsx", write_template(template, pass_score())


def run_import(
    session: Session, data: bytes, user: Actor, dry_run: bool = False, today: date | None = None
) -> ImportReport:
    """Check `data` (XLSX bytes) and, when every row is clean, add or update the records."""
    permissions.ensure(user, "keep_training")
    template = spec()
    sheet_spec = template.sheets[0]
    report = ImportReport(template=template)
    book = open_workbook(data)
    try:
        if sheet_spec.title not in book.sheetnames:
            raise SheetFileError(
                _("不是培训考核导入模板：找不到工作表“{name}”。请先下载模板再填写。").format(
                    name=sheet_spec.title
                )
            )
        rows = read_sheet(book[sheet_spec.title], sheet_spec, report)
    finally:
        book.close()
    report.rows = len(rows)
    checker = _Checker(session, sheet_spec, report, today or date.today())
    wanted = [found for number, cells in rows if (found := checker.row(number, cells))]
    if not report.ok:
        return report
    for number, values, record in wanted:
        _apply(session, sheet_spec, report, number, values, record)
    session.flush()
    if not dry_run and any(report.total(a) for a in ("add", "change")):
        audit.record_event(
            session,
            "import",
            record_type="training_record",
            summary=_("导入培训考核结果：新增 {a}，修改 {c}").format(
                a=report.total("add"), c=report.total("change")
            ),
        )
    return report


class _Checker:
    """Checks the rows of one file against its cells, each other and the accounts."""

    def __init__(self, session, sheet_spec, report, today):
        self.session, self.spec, self.report, self.today = session, sheet_spec, report, today
        self.title = sheet_spec.title
        self.words = ChoiceMaps()
        self.seen: dict[tuple, int] = {}

    def error(self, number: int, key: str, message: object) -> None:
        self.report.error(self.title, number, self.spec.column(key).header, message)

    def row(self, number: int, cells: dict) -> tuple | None:
        """(row number, values, existing record or None), or None when the row has errors."""
        values, failed = {}, False
        for column in self.spec.columns:
            cell = cells.get(column.key)
            try:
                values[column.key] = parse(column, cell.value if cell else None, self.words)
            except CellError as error:
                self.error(number, column.key, str(error))
                failed = True
        if failed:
            return None
        passed = cells.get("passed")
        values["passed_given"] = passed is not None and cell_text(passed.value) is not None
        return self._checked(number, values)

    def _checked(self, number, values):
        before = len(self.report.errors)
        if not self._person(number, values):
            return None
        if values["score"] is not None and not 0 <= values["score"] <= 100:
            self.error(number, "score", _("考核成绩应为 0 到 100 的整数。"))
        if not values.pop("passed_given"):
            if values["score"] is None:
                self.error(number, "passed", _("请填写“考核合格”（是/否）或“考核成绩”。"))
            values["passed"] = values["score"] is not None and values["score"] >= pass_score()
        if values["session_date"] > self.today:
            self.error(number, "session_date", _("培训日期不能晚于今天。"))
        if values["valid_until"] is not None and values["valid_until"] < values["session_date"]:
            self.error(number, "valid_until", _("有效期至不能早于培训日期。"))
        key = (values["username"].lower(), values["session_name"], values["session_date"])
        if key in self.seen:
            self.error(
                number,
                "username",
                _("与第 {n} 行重复（同一人、同一培训、同一日期）。").format(n=self.seen[key]),
            )
        self.seen.setdefault(key, number)
        if len(self.report.errors) > before:
            return None
        record = self.session.scalars(
            select(TrainingRecord).where(
                func.lower(TrainingRecord.username) == key[0],
                TrainingRecord.session_name == key[1],
                TrainingRecord.session_date == key[2],
            )
        ).first()
        return number, values, record

    def _person(self, number, values):
        """Resolve the account from 账号 or 工号 and check the name; False on an error."""
        username, staff_no = values.pop("username"), values.pop("staff_no")
        if not username and not staff_no:
            self.error(number, "username", _("请填写统一身份认证账号或工号。"))
            return False
        account = None
        if staff_no:
            account = self.session.scalars(
                select(ConsoleUser).where(ConsoleUser.staff_no == staff_no)
            ).first()
            if account is None and not username:
                self.error(
                    number,
                    "staff_no",
                    _("工号“{no}”没有对应的账号，请填写统一身份认证账号。").format(no=staff_no),
                )
                return False
            if account is not None and username and account.username.lower() != username.lower():
                self.error(
                    number,
                    "staff_no",
                    _("工号“{no}”对应的账号是“{user}”，与填写的账号“{given}”不一致。").format(
                        no=staff_no, user=account.username, given=username
                    ),
                )
                return False
        if account is None:
            account = self.session.scalars(
                select(ConsoleUser).where(func.lower(ConsoleUser.username) == username.lower())
            ).first()
        if account is None:
            self.report.warn(
                self.title,
                number,
                self.spec.column("username").header,
                _("账号“{user}”尚未登录过本系统；记录按账号保存，其登录时生效。").format(
                    user=username
                ),
            )
            values["username"] = username
            return True
        values["username"] = account.username
        name = account.get_full_name()
        if values["display_name"].replace(" ", "") != name.replace(" ", ""):
            self.error(
                number,
                "display_name",
                _("姓名“{given}”与账号“{user}”的姓名“{name}”不一致。").format(
                    given=values["display_name"], user=account.username, name=name
                ),
            )
            return False
        return True


def _apply(session, sheet_spec, report, number, values, record):
    title = sheet_spec.title
    key = "{user} {name} {day}".format(
        user=values["username"],
        name=values["session_name"],
        day=values["session_date"].isoformat(),
    )
    if record is None:
        session.add(TrainingRecord(**values))
        report.added(title, number, key, sheet_spec.columns, values)
        return
    diff = [
        (sheet_spec.column(name), getattr(record, name), values[name])
        for name in COMPARED
        if getattr(record, name) != values[name]
    ]
    if not diff:
        report.count(title, "same")
        return
    for column, _old, new in diff:
        setattr(record, column.key, new)
    report.changed(title, number, key, diff)
