"""The yearly assessment of departments (measures art. 20: usage and completion efficiency).

Every figure rates what the department itself controls, for a calendar year:

- **online-ready rate** = service items running well (良好) / all its service items (items taken
  offline are left out); none when the department has no item.
- **on-time rate** = the mean of the three shares below that the department has (none when it
  has none of them); the reviewer's own speed is not part of it:
  - **submitted on time** = its submissions (the submission time of every review decision on its
    contacts, items and systems, submitted in the year) made by the end of the day of the
    year's submission deadline (the campaign's 部门自查报送 phase, `phases.schedule`) / all;
  - **passed first time** = decisions signed in the year that approved / all decisions (every
    return lowers it);
  - **ledger tasks closed on time** = its rectification tasks due in the year (deadline in the
    year, and either done or past their deadline) closed on or before their deadline / all.
- **rectification closure rate** = its rectification tasks created in the year that are done /
  all of them.
- **cost per active user** = yearly O&M cost of its systems (万元 × 10,000, in yuan) / their daily
  active operations, over the systems that report both figures: the yearly cost of one daily
  active operation, the activity attachment 4 measures. Lower is better.

**Score** = 100 × the mean of the rates the department has (online-ready, on-time, closure); a
rate with nothing to measure is left out instead of counting as zero. **Ranking**: score
descending, then passed-first-time descending, then cost per active user ascending (missing
values last), then the departments' own order.

**Service hall** (not scored): the department's items online, on their way online, and
overdue onboarding decisions or acceptances now, as the campaign board shows them
(`board.hall_progress`); and for the year (`assessment_hall`): the items that went live, the
live items with a node lacking a filed handler, the lifecycle requests filed and still pending,
and its staff in trained roles with a valid assessment against those due for retraining.

Every figure is counted by a GROUP BY query (one per table, a constant number whatever the
number of records), and the result is cached under the data-version stamp.
"""

from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from decimal import Decimal

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
from app.models.labels import label
from app.services.access import scope
from app.services.campaign import assessment_hall, board, phases
from app.services.trail import stamped

COLUMNS = (
    ("rank", _l("排名")),
    ("department", _l("部门")),
    ("items", _l("服务事项数")),
    ("good_items", _l("良好事项数")),
    ("online_ready_rate", _l("上线就绪率（%）")),
    ("submissions", _l("报送次数")),
    ("submitted_on_time", _l("按时报送数")),
    ("decisions", _l("审核决定数")),
    ("returns", _l("被退回数")),
    ("first_pass_rate", _l("一次通过率（%）")),
    ("tasks_due", _l("到期整改任务数")),
    ("tasks_on_time", _l("按期完成整改数")),
    ("on_time_rate", _l("按时率（%）")),
    ("tasks", _l("整改任务数")),
    ("tasks_done", _l("已完成整改数")),
    ("closure_rate", _l("整改完成率（%）")),
    ("om_cost", label(InformationSystem, "annual_om_cost")),
    ("daily_active", _l("日均操作活跃度")),
    ("cost_per_active", _l("每日活跃操作年运维成本（元）")),
    ("hall_online", _l("已上线事项数（当前）")),
    ("hall_in_progress", _l("上线流程中事项数（当前）")),
    ("hall_overdue", _l("入驻审批或验收超期数（当前）")),
    ("hall_went_live", _l("本年度新上线事项数")),
    ("hall_live_unstaffed", _l("有环节缺在岗办理人的上线事项数（当前）")),
    ("hall_requests", _l("本年度入驻、变更、下线申请数")),
    ("hall_requests_pending", _l("其中待党政办审批数")),
    ("hall_trained", _l("培训考核有效人数（流程管理员、办理人、审核员）")),
    ("hall_retraining_due", _l("待复训人数（考核已过期或即将过期）")),
    ("score", _l("综合得分")),
)


@dataclass
class AssessmentRow:
    """One department's figures for the year."""

    department: Department
    items: int = 0
    good_items: int = 0
    submissions: int = 0
    submitted_on_time: int = 0
    decisions: int = 0
    returns: int = 0
    tasks_due: int = 0
    tasks_on_time: int = 0
    tasks: int = 0
    tasks_done: int = 0
    om_cost: Decimal | None = None
    daily_active: int | None = None
    # The service hall's lifecycle now (board.hall_progress): not part of the score.
    hall_online: int = 0
    hall_in_progress: int = 0
    hall_overdue: int = 0
    # The hall's figures of the year and its trained staff (assessment_hall): not scored.
    hall_went_live: int = 0
    hall_live_unstaffed: int = 0
    hall_requests: int = 0
    hall_requests_pending: int = 0
    hall_trained: int = 0
    hall_retraining_due: int = 0
    rank: int = 0

    @staticmethod
    def _rate(part, whole):
        return part / whole if whole else None

    @property
    def online_ready_rate(self) -> float | None:
        return self._rate(self.good_items, self.items)

    @property
    def submission_rate(self) -> float | None:
        return self._rate(self.submitted_on_time, self.submissions)

    @property
    def first_pass_rate(self) -> float | None:
        return self._rate(self.decisions - self.returns, self.decisions)

    @property
    def task_on_time_rate(self) -> float | None:
        return self._rate(self.tasks_on_time, self.tasks_due)

    @property
    def on_time_rate(self) -> float | None:
        """The mean of the shares the department has (submissions, first passes, tasks)."""
        shares = [
            r
            for r in (self.submission_rate, self.first_pass_rate, self.task_on_time_rate)
            if r is not None
        ]
        return sum(shares) / len(shares) if shares else None

    @property
    def closure_rate(self) -> float | None:
        return self._rate(self.tasks_done, self.tasks)

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

        return [
            self.rank,
            self.department.name,
            self.items,
            self.good_items,
            pct(self.online_ready_rate),
            self.submissions,
            self.submitted_on_time,
            self.decisions,
            self.returns,
            pct(self.first_pass_rate),
            self.tasks_due,
            self.tasks_on_time,
            pct(self.on_time_rate),
            self.tasks,
            self.tasks_done,
            pct(self.closure_rate),
            self.om_cost,
            self.daily_active,
            None if self.cost_per_active is None else round(self.cost_per_active, 2),
            self.hall_online,
            self.hall_in_progress,
            self.hall_overdue,
            self.hall_went_live,
            self.hall_live_unstaffed,
            self.hall_requests,
            self.hall_requests_pending,
            self.hall_trained,
            self.hall_retraining_due,
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
        missing if row.first_pass_rate is None else -row.first_pass_rate,
        missing if row.cost_per_active is None else row.cost_per_active,
        row.department.sort_order,
        row.department.code,
    )


def _grouped(session, query, column, ids):
    """{department id: row of the aggregates} of a query grouped by `column`."""
    query = _in(query, column, ids).group_by(column)
    return {dept: tuple(values) for dept, *values in session.execute(query)}


def _count_if(clause):
    return func.coalesce(func.sum(case((clause, 1), else_=0)), 0)


def _day_after(day: date) -> datetime:
    return datetime(day.year, day.month, day.day) + timedelta(days=1)


def submission_deadline(session: Session, year: int) -> date:
    """The year's submission deadline: its campaign's, else the notice's (9-10)."""
    sched = phases.schedule(session, date(year, 12, 31))
    if sched.year == year:
        return sched.deadlines["submitted"]
    kind = phases.RULE_PHASE["submitted"]
    return next(p.end_date for p in phases.notice_phases(year) if p.kind == kind)


def figures(session: Session, year: int, ids: list[int] | None, today: date) -> dict:
    """{department id: {field: value}} of the year, one GROUP BY per figure, plain data."""
    start, end = _year_bounds(year)
    deadline = submission_deadline(session, year)
    rows: dict[int, dict] = {}

    def put(grouped, names):
        for dept, values in grouped.items():
            rows.setdefault(dept, {}).update(zip(names, values, strict=True))

    item = ServiceItem
    put(
        _grouped(
            session,
            select(
                item.department_id, func.count(), _count_if(item.running_status == "good")
            ).where(~item.is_offline),
            item.department_id,
            ids,
        ),
        ("items", "good_items"),
    )
    decision = ReviewDecision
    submitted = decision.submitted_at
    put(
        _grouped(
            session,
            select(
                decision.department_id, func.count(), _count_if(submitted < _day_after(deadline))
            ).where(submitted >= start, submitted < end),
            decision.department_id,
            ids,
        ),
        ("submissions", "submitted_on_time"),
    )
    put(
        _grouped(
            session,
            select(
                decision.department_id, func.count(), _count_if(decision.decision == "returned")
            ).where(decision.signed_at >= start, decision.signed_at < end),
            decision.department_id,
            ids,
        ),
        ("decisions", "returns"),
    )
    task = RectificationTask
    done = task.task_status == "done"
    put(
        _grouped(
            session,
            select(
                task.department_id,
                func.count(),
                _count_if(done & (func.date(task.closed_at) <= task.deadline)),
            ).where(
                task.deadline >= date(year, 1, 1),
                task.deadline <= date(year, 12, 31),
                done | (task.deadline < today),
            ),
            task.department_id,
            ids,
        ),
        ("tasks_due", "tasks_on_time"),
    )
    put(
        _grouped(
            session,
            select(task.department_id, func.count(), _count_if(done)).where(
                task.created_at >= start, task.created_at < end
            ),
            task.department_id,
            ids,
        ),
        ("tasks", "tasks_done"),
    )
    system = InformationSystem
    put(
        _grouped(
            session,
            select(
                system.department_id,
                func.sum(system.annual_om_cost),
                func.sum(system.daily_active_operations),
            ).where(system.annual_om_cost.isnot(None), system.daily_active_operations.isnot(None)),
            system.department_id,
            ids,
        ),
        ("om_cost", "daily_active"),
    )
    for dept, values in assessment_hall.figures(session, year, ids).items():
        rows.setdefault(dept, {}).update(values)
    for values in rows.values():
        for key in ("good_items", "submitted_on_time", "returns", "tasks_on_time", "tasks_done"):
            if key in values:
                values[key] = int(values[key])
        if values.get("om_cost") is not None:
            values["om_cost"] = Decimal(values["om_cost"])
            values["daily_active"] = int(values["daily_active"])
    return rows


FIELDS = {f.name for f in fields(AssessmentRow)} - {"department", "rank"}


def assess(
    session: Session, year: int, user: ConsoleUser | None = None, today: date | None = None
) -> list[AssessmentRow]:
    """The ranked rows for `year`, for the departments `user` may see (all without a user)."""
    today = today or date.today()
    query = select(Department).order_by(Department.sort_order, Department.code)
    dept = scope.scope_department_id(user) if user is not None else None
    ids = None if dept is None else [dept]
    departments = list(session.scalars(_in(query, Department.id, ids)))
    found = stamped.stamped(
        session,
        "assessment",
        (year, dept, today.isoformat()),
        lambda: figures(session, year, ids, today),
    )
    hall = board.hall_progress(session, ids)
    trained = assessment_hall.training(session, year, ids, today)
    rows = []
    for department in departments:
        values = {**found.get(department.id, {}), **trained.get(department.id, {})}
        row = AssessmentRow(department, **{k: v for k, v in values.items() if k in FIELDS})
        progress = hall.get(department.id, board.HallProgress())
        row.hall_online = progress.count("online")
        row.hall_in_progress = progress.in_progress
        row.hall_overdue = progress.overdue
        rows.append(row)
    ranked = sorted(rows, key=_sort_key)
    for position, row in enumerate(ranked, 1):
        row.rank = position
    return ranked
