"""The rectification ledger as a workbook for the principals' meeting: rows in, bytes out.

One sheet on A4 landscape, tasks sorted by department (the caller's order), a "逾期" column
and overdue rows highlighted, text always stored as text (through SheetWriter).
"""

from collections.abc import Iterable
from datetime import date

from flask_babel import gettext as _

from app.models import RectificationTask
from app.models.choices import TASK_CATEGORY, TASK_SOURCE, TASK_STATUS
from app.models.labels import label

from .xlsx import SheetWriter

OVERDUE_FILL = "#F8CBAD"


# The task's fields in the sheet's order (after 序号); None is the 是否逾期 column.
COLUMNS = (
    "department",
    "title",
    "source",
    "category",
    "description",
    "measure",
    "owner",
    "deadline",
    "task_status",
    None,
    "postpone_reason",
    "evidence",
    "information_system",
    "service_item",
)


def headers() -> list[str]:
    """The column titles, in the task's own words (`app.models.labels`)."""
    return [_("序号")] + [
        _("是否逾期") if key is None else str(label(RectificationTask, key)) for key in COLUMNS
    ]


def row_values(number: int, task: RectificationTask, overdue: bool) -> list[object]:
    return [
        number,
        task.department.name,
        task.title,
        TASK_SOURCE.label(task.source),
        TASK_CATEGORY.label(task.category),
        task.description,
        task.measure,
        task.owner,
        task.deadline,
        TASK_STATUS.label(task.task_status),
        _("逾期") if overdue else "",
        task.postpone_reason,
        task.evidence,
        task.information_system.name if task.information_system is not None else None,
        task.service_item.name if task.service_item is not None else None,
    ]


def ledger_xlsx(
    tasks: Iterable[RectificationTask],
    today: date | None = None,
    findings: Iterable[object] | None = None,
) -> bytes:
    """The workbook bytes for `tasks` (already scoped and sorted by department), with the
    governance findings (`finding_actions.Shown` rows) as a second sheet when given."""
    today = today or date.today()
    writer = SheetWriter()
    title = _("数字化整改台账（{day}）").format(day=today.isoformat())
    sheet = writer.sheet(
        _("整改台账"),
        headers(),
        title=title,
        widths=[6, 16, 30, 12, 10, 40, 40, 10, 12, 10, 8, 30, 30, 20, 20],
    )
    book = writer.book
    text_fmt = book.add_format({"text_wrap": True, "valign": "top", "bg_color": OVERDUE_FILL})
    date_fmt = book.add_format(
        {"num_format": "yyyy-mm-dd", "valign": "top", "bg_color": OVERDUE_FILL}
    )
    number_fmt = book.add_format({"valign": "top", "bg_color": OVERDUE_FILL})
    for number, task in enumerate(tasks, start=1):
        overdue = task.is_overdue(today)
        values = row_values(number, task, overdue)
        if not overdue:
            sheet.write_row(values)
            continue
        for col, value in enumerate(values):
            fmt = (
                date_fmt
                if isinstance(value, date)
                else (number_fmt if isinstance(value, int) else text_fmt)
            )
            sheet.write_cell(sheet.row, col, value, fmt)
        sheet.row += 1
    sheet.finish()
    if findings is not None:
        findings_sheet(writer, findings, today)
    return writer.close()


def findings_sheet(writer: SheetWriter, findings: Iterable[object], today: date) -> None:
    """治理发现: each finding, why it fired, what fixing it would change, and its task or the
    reason it was dismissed."""
    headers = [
        _("序号"),
        _("问题类别"),
        _("发现规则"),
        _("涉及部门"),
        _("涉及记录"),
        _("原因"),
        _("整改收益"),
        _("可节省工作日"),
        _("可下线系统"),
        _("年节省运维费用（万元）"),
        _("少填材料项"),
        _("整改任务"),
        _("整改状态"),
        _("不予整改理由"),
    ]
    sheet = writer.sheet(
        _("治理发现"),
        headers,
        title=_("治理发现与整改（{day}）").format(day=today.isoformat()),
        widths=[6, 12, 24, 20, 30, 50, 40, 10, 10, 12, 10, 30, 10, 30],
    )
    for number, row in enumerate(findings, start=1):
        finding, task, dismissal = row.finding, row.task, row.dismissal
        sheet.write_row(
            [
                number,
                row.group_label,
                row.title,
                "、".join(row.departments),
                "\n".join(label for _kind, _id, label in row.records),
                row.why,
                row.change,
                finding.days_saved or None,
                finding.systems_retired or None,
                finding.cost_saved,
                finding.fields_saved or None,
                task.title if task is not None else None,
                TASK_STATUS.label(task.task_status) if task is not None else None,
                dismissal.reason if dismissal is not None else None,
            ]
        )
    sheet.finish()
