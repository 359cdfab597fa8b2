"""The yearly assessment of departments (measures art. 20: usage and completion efficiency).

For each department, for a calendar year:

- **online-ready rate** = service items running well (良好) / all its service items (items taken
  offline are left out); none when the department has no item.
- **on-time approval rate** = review decisions (approvals and returns of its contacts, items and
  systems) signed in the year within the review deadline / all of them. The deadline is the one
  the reviewer's inbox shows: REVIEW_DUE_WORKING_DAYS working days (Monday to Friday, default 5)
  after submission. Decisions without a submission time are left out.
- **average time to decision** = mean hours from `ReviewDecision.submitted_at` to `signed_at`
  over the same decisions.
- **rectification closure rate** = its rectification tasks created in the year that are done /
  all of them.
- **cost per active user** = yearly O&M cost of its systems (万元 × 10,000, in yuan) / their daily
  active operations, over the systems that report both figures: the yearly cost of one daily
  active operation, the activity attachment 4 measures. Lower is better.

**Score** = 100 × the mean of the rates the department has (online-ready, on-time, closure); a
rate with nothing to measure is left out instead of counting as zero. **Ranking**: score
descending, then average time ascending, then cost per active user ascending (missing values
last), then the departments' own order.

Items, tasks and systems are counted with GROUP BY queries; decisions are read in one narrow
query (department, submitted, signed) because working days cannot be counted portably in SQL.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.models import (
    ConsoleUser,
    Department,
    InformationSystem,
    RectificationTask,
    ReviewDecision,
    ServiceItem,
)
from app.models.choices import RUNNING_STATUS, TASK_STATUS
from app.models.labels import label
from app.services.access import scope
from app.services.review.inbox import add_working_days

COLUMNS = (
    ("rank", _l("排名")),
    ("department", _l("部门")),
    ("items", _l("服务事项数")),
    ("good_items", _l("良好事项数")),
    ("online_ready_rate", _l("上线就绪率（%）")),
    ("decisions", _l("审核决定数")),
    ("on_time", _l("按时决定数")),
    ("on_time_rate", _l("按时审核率（%）")),
    ("average_hours", _l("平均审核用时（小时）")),
    ("tasks", _l("整改任务数")),
    ("tasks_done", _l("已完成整改数")),
    ("closure_rate", _l("整改完成率（%）")),
    ("om_cost", label(InformationSystem, "annual_om_cost")),
    ("daily_active", _l("日均操作活跃度")),
    ("cost_per_active", _l("每日活跃操作年运维成本（元）")),
    ("score", _l("综合得分")),
)


@dataclass
class AssessmentRow:
    """One department's figures for the year."""

    department: Department
    items: int = 0
    good_items: int = 0
    decisions: int = 0
    on_time: int = 0
    total_hours: float = 0.0
    tasks: int = 0
    tasks_done: int = 0
    om_cost: Decimal | None = None
    daily_active: int | None = None
    rank: int = 0

    @staticmethod
    def _rate(part, whole):
        return part / whole if whole else None

    @property
    def online_ready_rate(self) -> float | None:
        return self._rate(self.good_items, self.items)

    @property
    def on_time_rate(self) -> float | None:
        return self._rate(self.on_time, self.decisions)

    @property
    def closure_rate(self) -> float | None:
        return self._rate(self.tasks_done, self.tasks)

    @property
    def average_hours(self) -> float | None:
        return self.total_hours / self.decisions if self.decisions else None

    @property
    def cost_per_active(self) -> float | None:
        if self.om_cost is None or not self.daily_active:
            return None
        return float(self.om_cost) * 10000 / self.daily_active

    @property
    def score(self) -> float:
        rates = [
            r
            for r in (self.online_ready_rate, self.on_time_rate, self.closure_rate)
            if r is not None
        ]
        return 100 * sum(rates) / len(rates) if rates else 0.0

    def values(self) -> list[object]:
        """The row as XLSX cells, in COLUMNS order (rates in percent, one decimal)."""

        def pct(rate):
            return None if rate is None else round(100 * rate, 1)

        def one(value):
            return None if value is None else round(value, 1)

        return [
            self.rank,
            self.department.name,
            self.items,
            self.good_items,
            pct(self.online_ready_rate),
            self.decisions,
            self.on_time,
            pct(self.on_time_rate),
            one(self.average_hours),
            self.tasks,
            self.tasks_done,
            pct(self.closure_rate),
            self.om_cost,
            self.daily_active,
            None if self.cost_per_active is None else round(self.cost_per_active, 2),
            round(self.score, 1),
        ]


def _year_bounds(year):
    return datetime(year, 1, 1), datetime(year + 1, 1, 1)


def _in(query, column, ids):
    return query if ids is None else query.where(column.in_(ids))


def _sort_key(row):
    missing = float("inf")
    return (
        -round(row.score, 6),
        missing if row.average_hours is None else row.average_hours,
        missing if row.cost_per_active is None else row.cost_per_active,
        row.department.sort_order,
        row.department.code,
    )


def assess(session: Session, year: int, user: ConsoleUser | None = None) -> list[AssessmentRow]:
    """The ranked rows for `year`, for the departments `user` may see (all without a user)."""
    query = select(Department).order_by(Department.sort_order, Department.code)
    dept = scope.scope_department_id(user) if user is not None else None
    ids = None if dept is None else [dept]
    rows = {d.id: AssessmentRow(d) for d in session.scalars(_in(query, Department.id, ids))}
    start, end = _year_bounds(year)

    items = (
        select(
            ServiceItem.department_id,
            func.count(),
            func.sum(case((ServiceItem.running_status == RUNNING_STATUS.GOOD, 1), else_=0)),
        )
        .where(~ServiceItem.is_offline)
        .group_by(ServiceItem.department_id)
    )
    for dept_id, total, good in session.execute(_in(items, ServiceItem.department_id, ids)):
        if dept_id in rows:
            rows[dept_id].items, rows[dept_id].good_items = total, int(good or 0)

    tasks = (
        select(
            RectificationTask.department_id,
            func.count(),
            func.sum(case((RectificationTask.task_status == TASK_STATUS.DONE, 1), else_=0)),
        )
        .where(RectificationTask.created_at >= start, RectificationTask.created_at < end)
        .group_by(RectificationTask.department_id)
    )
    for dept_id, total, done in session.execute(_in(tasks, RectificationTask.department_id, ids)):
        if dept_id in rows:
            rows[dept_id].tasks, rows[dept_id].tasks_done = total, int(done or 0)

    systems = (
        select(
            InformationSystem.department_id,
            func.sum(InformationSystem.annual_om_cost),
            func.sum(InformationSystem.daily_active_operations),
        )
        .where(
            InformationSystem.annual_om_cost.isnot(None),
            InformationSystem.daily_active_operations.isnot(None),
        )
        .group_by(InformationSystem.department_id)
    )
    for dept_id, cost, active in session.execute(
        _in(systems, InformationSystem.department_id, ids)
    ):
        if dept_id in rows:
            rows[dept_id].om_cost = Decimal(cost) if cost is not None else None
            rows[dept_id].daily_active = int(active) if active is not None else None

    due_days = current_app.config.get("REVIEW_DUE_WORKING_DAYS", 5)
    # Calendar days from a submission to its deadline depend only on the weekday submitted.
    monday = datetime(2024, 1, 1)
    offsets = [
        add_working_days(monday + timedelta(days=w), due_days) - monday - timedelta(days=w)
        for w in range(7)
    ]
    decisions = select(
        ReviewDecision.department_id, ReviewDecision.submitted_at, ReviewDecision.signed_at
    ).where(
        ReviewDecision.signed_at >= start,
        ReviewDecision.signed_at < end,
        ReviewDecision.submitted_at.isnot(None),
    )
    for dept_id, submitted, signed in session.execute(
        _in(decisions, ReviewDecision.department_id, ids)
    ):
        row = rows.get(dept_id)
        if row is None:
            continue
        row.decisions += 1
        row.on_time += signed <= submitted + offsets[submitted.weekday()]
        row.total_hours += (signed - submitted).total_seconds() / 3600

    ranked = sorted(rows.values(), key=_sort_key)
    for position, row in enumerate(ranked, 1):
        row.rank = position
    return ranked
