"""What the home page shows each role.

- a department contact: their department's board row (score, colour, what it lacks) and their
  tasks: reminders sent to the department, records returned by the reviewer, and the
  department's rectification tasks that are not done;
- a reviewer: the inbox (oldest submissions first, with their due dates);
- a leader: key figures of the whole college and a link to the dashboards;
- the IT office: the campaign board's counts and the overdue departments;
- the security administrator: the emergency administrator's logins of the last
  EMERGENCY_NOTICE_DAYS days (time in Beijing time, address, browser).

A user with several roles sees every section that applies. Everything a contact sees is limited
to their own department through `app.services.access.scope`.
"""

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import ConsoleUser, InformationSystem, RectificationTask, ServiceItem
from app.models.choices import RUNNING_STATUS, TASK_STATUS, WORKFLOW_STATUS
from app.models.registry import REVIEWABLE
from app.services.access import emergency, permissions, scope
from app.services.campaign import board, reminders
from app.services.review import inbox

HOME_LIMIT = 10
EMERGENCY_NOTICE_DAYS = 7


def returned_records(session: Session, user: ConsoleUser) -> list[tuple[str, object]]:
    """Records of the user's scope that the reviewer returned: (record type, record)."""
    rows = []
    for record_type, model in REVIEWABLE.items():
        query = scope.apply_scope(
            select(model).where(model.status == WORKFLOW_STATUS.RETURNED), model, user
        )
        rows.extend(
            (record_type, record)
            for record in session.scalars(query.order_by(model.decided_at.desc()).limit(HOME_LIMIT))
        )
    return rows


def open_tasks(session: Session, user: ConsoleUser) -> list[RectificationTask]:
    """Rectification tasks of the user's scope that are not done, earliest deadline first."""
    query = scope.apply_scope(
        select(RectificationTask).where(RectificationTask.is_open),
        RectificationTask,
        user,
    )
    return list(
        session.scalars(
            query.order_by(
                RectificationTask.deadline.is_(None),
                RectificationTask.deadline,
                RectificationTask.id,
            ).limit(HOME_LIMIT)
        )
    )


def key_figures(session: Session) -> dict[str, object]:
    """College-wide figures for leaders, each from one aggregate query."""
    items = session.execute(
        select(
            func.count(), func.count().filter(ServiceItem.running_status == RUNNING_STATUS.GOOD)
        ).where(~ServiceItem.is_offline)
    ).one()
    systems = session.execute(
        select(
            func.count(),
            func.sum(InformationSystem.annual_om_cost),
            func.sum(InformationSystem.build_cost),
            func.count().filter(InformationSystem.annual_om_cost.is_(None)),
        )
    ).one()
    tasks = session.execute(
        select(func.count(), func.count().filter(RectificationTask.task_status == TASK_STATUS.DONE))
    ).one()
    return {
        "items": items[0],
        "good_items": items[1],
        "good_rate": items[1] / items[0] if items[0] else None,
        "systems": systems[0],
        "om_cost": systems[1],  # None when no system filled it in: unknown, not 0
        "om_unfilled": systems[3],
        "build_cost": systems[2],
        "tasks": tasks[0],
        "tasks_done": tasks[1],
    }


def context(
    session: Session, user: ConsoleUser, today: date | None = None
) -> dict[str, dict[str, object]]:
    """The sections of the home page for `user` (an empty dict for anonymous visitors)."""
    result = {}
    if not permissions.roles_of(user):
        return result
    full_board = None
    if permissions.can(user, "home_department") and user.department_id:
        own = board.build(session, today, user=user)
        result["contact"] = {
            "board": own,
            "row": own.rows[0] if own.rows else None,
            "reminders": reminders.for_department(session, user.department_id, HOME_LIMIT),
            "returned": returned_records(session, user),
            "tasks": open_tasks(session, user),
        }
    if permissions.can(user, "home_inbox"):
        pending = inbox.pending(session)
        result["reviewer"] = {"pending": pending[:HOME_LIMIT], "count": len(pending)}
    overview, office = permissions.can(user, "home_overview"), permissions.can(user, "home_office")
    if overview or office:
        full_board = board.build(session, today)
    if overview:
        result["leader"] = {"figures": key_figures(session), "board": full_board}
    if office:
        result["office"] = {"board": full_board, "overdue": full_board.overdue[:HOME_LIMIT]}
    if permissions.can(user, "home_applicant"):
        from app.services.cases import applying

        mine = applying.my_cases(session, user)
        result["applicant"] = {"cases": mine[:HOME_LIMIT], "count": len(mine)}
    if permissions.can(user, "receive_security_alerts"):
        uses = emergency.recent_uses(session, EMERGENCY_NOTICE_DAYS, HOME_LIMIT)
        result["security"] = {"emergency": uses, "days": EMERGENCY_NOTICE_DAYS}
    return result
