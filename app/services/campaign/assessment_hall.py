"""The service hall's figures of the yearly assessment, per department (measures art. 6,
8-12, 18), none of them part of the score. Each is counted by one GROUP BY, whatever the number
of records; `assessment` caches the first three under the data-version stamp:

- **went live** (上线): the department's items that went online for the first time in the year
  (a ``go_live`` step from ``confirming`` dated in the year; a change going live is not one);
- **live without a handler** (当前): the department's items running on the hall now
  (`lifecycle.LIVE_STATES`) with at least one node that has no filed (active) handler, the
  nodes art. 6 leaves unstaffed;
- **requests** (申请): the onboarding, change and offline requests the department filed in the
  year, and how many of them still wait for the office's decision;
- **trained** and **due for retraining**: the department's active accounts holding a trained
  role (流程管理员, 办理人, 审核员: `permissions.TRAINED_ROLES`) with a passed assessment valid on
  the reference day (today, or the year's last day for a past year), and those whose
  assessment has expired or expires within TRAINING_WARN_DAYS of it (as
  `training.due_for_retraining` says it for one person). Roles live on the account, which every
  login writes, so this figure is counted afresh (one query) instead of cached.
"""

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from flask import current_app, has_app_context
from flask_appbuilder.security.sqla.models import Role
from sqlalchemy import and_, case, distinct, func, or_, select
from sqlalchemy.orm import Session

from app.models import (
    ConsoleUser,
    HallRequest,
    HallStep,
    HandlerAssignment,
    ProcessNode,
    ServiceItem,
    TrainingRecord,
)
from app.services.access.permissions import TRAINED_ROLES
from app.services.review.lifecycle import LIVE_STATES

CACHED = ("hall_went_live", "hall_live_unstaffed", "hall_requests", "hall_requests_pending")
TRAINING = ("hall_trained", "hall_retraining_due")


def _config(name: str, default: int) -> int:
    return int(current_app.config.get(name, default)) if has_app_context() else default


def _in(query, column, ids):
    return query if ids is None else query.where(column.in_(ids))


def _count_if(clause):
    return func.coalesce(func.sum(case((clause, 1), else_=0)), 0)


def _grouped(session, query, column, ids) -> dict[int, tuple]:
    query = _in(query, column, ids).group_by(column)
    return {dept: tuple(int(v or 0) for v in values) for dept, *values in session.execute(query)}


def figures(session: Session, year: int, ids: Sequence[int] | None) -> dict[int, dict]:
    """{department id: {field: count}} of the hall's yearly and current figures (plain data)."""
    start, end = datetime(year, 1, 1), datetime(year + 1, 1, 1)
    item, step, node, row = ServiceItem, HallStep, ProcessNode, HandlerAssignment
    went_live = (
        select(item.department_id, func.count(distinct(step.item_id)))
        .select_from(step)
        .join(item, item.id == step.item_id)
        .where(
            step.action == "go_live",
            step.from_state == "confirming",
            step.at >= start,
            step.at < end,
        )
    )
    filed = select(row.id).where(row.node_id == node.id, row.status == "filed").exists()
    unstaffed_node = select(node.id).where(node.item_id == item.id, ~filed).exists()
    unstaffed = select(item.department_id, func.count()).where(
        item.lifecycle.in_(sorted(LIVE_STATES)), unstaffed_node
    )
    request = HallRequest
    requests = select(
        request.department_id,
        func.count(),
        _count_if(request.status == "submitted"),
    ).where(request.submitted_at >= start, request.submitted_at < end)
    rows: dict[int, dict] = {}
    for grouped, names in (
        (_grouped(session, went_live, item.department_id, ids), CACHED[:1]),
        (_grouped(session, unstaffed, item.department_id, ids), CACHED[1:2]),
        (_grouped(session, requests, request.department_id, ids), CACHED[2:]),
    ):
        for dept, values in grouped.items():
            rows.setdefault(dept, {}).update(zip(names, values, strict=True))
    return rows


def reference_day(year: int, today: date) -> date:
    """The day the training figures are read on: today, or the year's last day if earlier."""
    return min(today, date(year, 12, 31))


def _valid_on(day: date, valid_days: int, strictly_after: bool = False):
    """SQL: a passed assessment, held by then, that is still valid on `day` (its own end,
    else its date plus `valid_days`); `strictly_after`: valid beyond `day`."""
    record = TrainingRecord
    if strictly_after:
        own = record.valid_until > day
        computed = record.session_date > day - timedelta(days=valid_days)
    else:
        own = record.valid_until >= day
        computed = record.session_date >= day - timedelta(days=valid_days)
    return (
        select(record.id)
        .where(
            record.username == ConsoleUser.username,
            record.passed.is_(True),
            or_(
                and_(record.valid_until.isnot(None), own),
                and_(record.valid_until.is_(None), computed),
            ),
        )
        .exists()
    )


def training(
    session: Session, year: int, ids: Sequence[int] | None, today: date
) -> dict[int, dict]:
    """{department id: {"hall_trained": n, "hall_retraining_due": n}} in one GROUP BY."""
    day = reference_day(year, today)
    valid_days = _config("TRAINING_VALID_DAYS", 365)
    horizon = day + timedelta(days=_config("TRAINING_WARN_DAYS", 30))
    user = ConsoleUser
    held_by_then = TrainingRecord.session_date <= day

    trained = _valid_on(day, valid_days).where(held_by_then)
    lasting = _valid_on(horizon, valid_days, strictly_after=True).where(held_by_then)
    query = select(user.department_id, _count_if(trained), _count_if(~lasting)).where(
        user.active.is_(True),
        user.department_id.isnot(None),
        user.roles.any(Role.name.in_(TRAINED_ROLES)),
    )
    return {
        dept: dict(zip(TRAINING, values, strict=True))
        for dept, values in _grouped(session, query, user.department_id, ids).items()
    }
