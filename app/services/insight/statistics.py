"""Statistics behind the leaders' dashboard: one function per figure, rows out.

Each function takes the session and the user and returns a list of dicts (the figure's data,
also its table and its XLSX sheet), computed by aggregate SQL (GROUP BY, SUM, COUNT, ORDER BY
... LIMIT) so that no record is loaded one by one. The user's department scope comes from
`app.services.access.scope`: a department contact's figures count their own department's
records only.

Which records count:

- the current data of every service item and information system, whatever its workflow status
  (draft, submitted, returned, approved): the survey's findings are what departments entered,
  and leaders follow the campaign while it runs;
- service items in every lifecycle state, offline included: an offline item's data is kept for
  query and statistics (measures art. 12, issue 4);
- approval time: every signed review decision (approval or return) on a service item that
  records when the item was submitted; days are calendar days from submission to signature,
  compared with the item's current time limit (办理时限, working days): a decision within the
  limit took at most that many calendar days, which is the conservative reading.

Missing answers are reported as their own category (未填写) rather than dropped. An empty
number is unknown, not zero: it is shown as None (未填写), left out of sums and averages (a sum
of nothing but blanks is None, not 0), and a figure that leaves records out for it says how many
(`unfilled_systems`, `unfilled_limits`: the dashboard writes "N 项未填写" beside it).
"""

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from app.models import ConsoleUser, Department, InformationSystem, ReviewDecision, ServiceItem
from app.models.choices import (
    DEPLOYMENT_MODE,
    MOBILE_ADAPTATION,
    PORTAL_INTEGRATION,
    RUNNING_STATUS,
    SYSTEM_PROBLEM,
    USER_GROUP,
    split_codes,
)
from app.services.access import scope

TOP_N = 15
CENT = Decimal("0.01")
NOT_FILLED = _l("未填写")


def _money(value):
    """A sum of money as Decimal with two places; None (未填写) when nothing is known."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def _round(value, places=1):
    return None if value is None else round(float(value), places)


def _scoped(statement, model, user):
    return scope.apply_scope(statement, model, user)


def _cost_total(model):
    return func.coalesce(model.build_cost, 0) + func.coalesce(model.annual_om_cost, 0)


def system_costs(
    session: Session, user: ConsoleUser, limit: int = TOP_N
) -> list[dict[str, object]]:
    """Build cost and yearly O&M cost of the `limit` dearest systems (build + O&M); a system
    with neither cost filled in is left out, a cost not filled in is None."""
    statement = (
        select(
            InformationSystem.name,
            Department.name.label("department"),
            InformationSystem.build_cost,
            InformationSystem.annual_om_cost,
        )
        .join(Department, InformationSystem.department_id == Department.id)
        .where(
            or_(
                InformationSystem.build_cost.isnot(None),
                InformationSystem.annual_om_cost.isnot(None),
            )
        )
        .order_by(_cost_total(InformationSystem).desc(), InformationSystem.name)
        .limit(limit)
    )
    return [
        {
            "label": row.name,
            "department": row.department,
            "build_cost": _money(row.build_cost),
            "annual_om_cost": _money(row.annual_om_cost),
        }
        for row in session.execute(_scoped(statement, InformationSystem, user))
    ]


def _grouped_costs(session, user, key, limit):
    build = func.sum(InformationSystem.build_cost)  # SUM leaves NULL out; all NULL is NULL
    om = func.sum(InformationSystem.annual_om_cost)
    statement = (
        select(
            key.label("key"),
            func.count(InformationSystem.id).label("systems"),
            build.label("build"),
            om.label("om"),
        )
        .group_by(key)
        .order_by((func.coalesce(build, 0) + func.coalesce(om, 0)).desc(), key)
        .limit(limit)
    )
    return statement


def department_costs(
    session: Session, user: ConsoleUser, limit: int = TOP_N
) -> list[dict[str, object]]:
    """Systems, build cost and yearly O&M cost summed per department (dearest first)."""
    statement = (
        _grouped_costs(session, user, Department.name, limit)
        .select_from(InformationSystem)
        .join(Department, InformationSystem.department_id == Department.id)
    )
    return [
        {
            "label": row.key,
            "systems": row.systems,
            "build_cost": _money(row.build),
            "annual_om_cost": _money(row.om),
        }
        for row in session.execute(_scoped(statement, InformationSystem, user))
    ]


def vendor_costs(
    session: Session, user: ConsoleUser, limit: int = TOP_N
) -> list[dict[str, object]]:
    """Systems, build cost and yearly O&M cost summed per vendor (开发承建厂商)."""
    vendor = func.coalesce(func.nullif(func.trim(InformationSystem.vendor), ""), "")
    statement = _grouped_costs(session, user, vendor, limit).select_from(InformationSystem)
    return [
        {
            "label": row.key or str(NOT_FILLED),
            "systems": row.systems,
            "build_cost": _money(row.build),
            "annual_om_cost": _money(row.om),
        }
        for row in session.execute(_scoped(statement, InformationSystem, user))
    ]


def unfilled_systems(*columns: object) -> Callable[..., int]:
    """The count, for a figure, of systems in scope whose `columns` are not all filled in (the
    records the figure leaves out, wholly or for one of its values)."""

    def count(session: Session, user: ConsoleUser, rows: list[dict[str, object]]) -> int:
        blank = or_(*(column.is_(None) for column in columns))
        statement = select(func.count(InformationSystem.id)).where(blank)
        return session.execute(_scoped(statement, InformationSystem, user)).scalar_one()

    return count


def unfilled_limits(session: Session, user: ConsoleUser, rows: list[dict[str, object]]) -> int:
    """Decisions on items whose time limit is not filled in (or unreadable): left out of the
    average time limit and of within / over."""
    return sum(int(row["no_limit"]) for row in rows)


def system_usage(
    session: Session, user: ConsoleUser, limit: int = TOP_N
) -> list[dict[str, object]]:
    """Daily active operations and core-feature usage rate of the `limit` busiest systems."""
    statement = (
        select(
            InformationSystem.name,
            Department.name.label("department"),
            InformationSystem.daily_active_operations,
            InformationSystem.core_usage_rate,
        )
        .join(Department, InformationSystem.department_id == Department.id)
        .where(InformationSystem.daily_active_operations.isnot(None))
        .order_by(InformationSystem.daily_active_operations.desc(), InformationSystem.name)
        .limit(limit)
    )
    return [
        {
            "label": row.name,
            "department": row.department,
            "daily_active_operations": row.daily_active_operations,
            "core_usage_rate": _round(row.core_usage_rate),
        }
        for row in session.execute(_scoped(statement, InformationSystem, user))
    ]


def _choice_counts(session, user, column, choices):
    statement = select(column.label("code"), func.count(InformationSystem.id).label("n")).group_by(
        column
    )
    counts = {
        row.code: row.n for row in session.execute(_scoped(statement, InformationSystem, user))
    }
    total = sum(counts.values())
    rows = [(label, counts.pop(code, 0)) for code, label in choices]
    missing = sum(counts.values())  # NULL and codes no longer offered
    if missing:
        rows.append((NOT_FILLED, missing))
    return [
        {"label": str(label), "systems": n, "share": _round(100.0 * n / total) if total else 0.0}
        for label, n in rows
    ]


def portal_integration(session: Session, user: ConsoleUser) -> list[dict[str, object]]:
    """Systems per unified-portal integration state (融合门户集成对接状态)."""
    return _choice_counts(session, user, InformationSystem.portal_integration, PORTAL_INTEGRATION)


def mobile_adaptation(session: Session, user: ConsoleUser) -> list[dict[str, object]]:
    """Systems per mobile adaptation state (移动端适配情况)."""
    return _choice_counts(session, user, InformationSystem.mobile_adaptation, MOBILE_ADAPTATION)


def deployment_mode(session: Session, user: ConsoleUser) -> list[dict[str, object]]:
    """Systems per deployment mode (本地服务器 / 云端部署)."""
    return _choice_counts(session, user, InformationSystem.deployment, DEPLOYMENT_MODE)


def problems(session: Session, user: ConsoleUser) -> list[dict[str, object]]:
    """Systems reporting each kind of problem (a system may report several)."""
    columns = [
        func.count(InformationSystem.id).label("total"),
        *(
            func.sum(case((getattr(InformationSystem, code).is_(True), 1), else_=0)).label(code)
            for code in SYSTEM_PROBLEM.codes
        ),
    ]
    row = session.execute(_scoped(select(*columns), InformationSystem, user)).one()
    total = row.total or 0
    return [
        {
            "label": str(label),
            "systems": getattr(row, code) or 0,
            "share": _round(100.0 * (getattr(row, code) or 0) / total) if total else 0.0,
        }
        for code, label in SYSTEM_PROBLEM
    ]


def items_by_status(session: Session, user: ConsoleUser) -> list[dict[str, object]]:
    """Service items per department and running status (良好 / 待改进 / 待部署)."""
    counts = select(
        ServiceItem.department_id, ServiceItem.running_status, func.count().label("n")
    ).group_by(ServiceItem.department_id, ServiceItem.running_status)
    counts = _scoped(counts, ServiceItem, user).subquery()
    statement = (
        select(Department.name, counts.c.running_status, counts.c.n)
        .join(counts, counts.c.department_id == Department.id)
        .order_by(Department.sort_order, Department.name)
    )
    rows = {}
    for row in session.execute(statement):
        entry = rows.setdefault(
            row.name, {"label": row.name, **{code: 0 for code in RUNNING_STATUS.codes}, "total": 0}
        )
        key = row.running_status if row.running_status in RUNNING_STATUS else "deploy"
        entry[key] += row.n
        entry["total"] += row.n
    return list(rows.values())


def items_by_audience(session: Session, user: ConsoleUser) -> list[dict[str, object]]:
    """Service items per audience of the reference list (an item counts once under each of its
    audiences), then those naming only audiences outside the list, then those naming none
    (未填写): a blank audience is never counted as anybody."""
    query = _scoped(select(ServiceItem.user_groups, ServiceItem.audience_note), ServiceItem, user)
    counts = {code: 0 for code in USER_GROUP.codes}
    outside = blank = 0
    for codes, note in session.execute(query):
        listed = [code for code in split_codes(codes) if code in counts]
        for code in listed:
            counts[code] += 1
        if not listed:
            if (note or "").strip():
                outside += 1
            else:
                blank += 1
    rows = [{"label": label, "items": counts[code]} for code, label in USER_GROUP.pairs]
    rows.append({"label": _("仅名单外对象"), "items": outside})
    rows.append({"label": _("未填写"), "items": blank})
    return rows


def _elapsed_days(session, start, end):
    """Calendar days between two timestamps, as an SQL expression on either engine."""
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", end - start) / 86400.0
    return func.julianday(end) - func.julianday(start)


def approval_time(session: Session, user: ConsoleUser) -> list[dict[str, object]]:
    """Per department: decisions on service items, average days from submission to decision,
    average time limit, and how many decisions came within / after the item's time limit."""
    days = _elapsed_days(session, ReviewDecision.submitted_at, ReviewDecision.signed_at)
    limit = ServiceItem.time_limit_days
    per_department = (
        select(
            ServiceItem.department_id,
            func.count(ReviewDecision.id).label("decisions"),
            func.avg(days).label("avg_days"),
            func.avg(limit).label("avg_limit"),
            func.sum(case((limit.is_(None), 0), (days <= limit, 1), else_=0)).label("within"),
            func.sum(case((limit.is_(None), 0), (days > limit, 1), else_=0)).label("over"),
            func.sum(case((limit.is_(None), 1), else_=0)).label("no_limit"),
        )
        .select_from(ReviewDecision)
        .join(ServiceItem, ServiceItem.id == ReviewDecision.record_id)
        .where(
            ReviewDecision.record_type == "service_item", ReviewDecision.submitted_at.isnot(None)
        )
        .group_by(ServiceItem.department_id)
    )
    per_department = _scoped(per_department, ServiceItem, user).subquery()
    statement = (
        select(Department.name, per_department)
        .join(per_department, per_department.c.department_id == Department.id)
        .order_by(Department.sort_order, Department.name)
    )
    return [
        {
            "label": row.name,
            "decisions": row.decisions,
            "avg_days": _round(row.avg_days, 2),
            "avg_limit": _round(row.avg_limit, 2),
            "within": int(row.within or 0),
            "over": int(row.over or 0),
            "no_limit": int(row.no_limit or 0),
        }
        for row in session.execute(statement)
    ]
