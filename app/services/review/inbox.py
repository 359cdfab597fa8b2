"""The reviewer's inbox: every submitted record of every kind, oldest first, with due dates.

Besides the reviewable records, the office decides the service hall's requests (onboarding,
change and offline requests, handler assignments): `OFFICE_REQUESTS` lists them; they wait
with the same status, due date (working days of the official calendar,
`app.services.calendar.days`) and submitter, and are decided on their own page (`batch` is
false for them: the batch form approves reviewable records only)."""

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.models import HallRequest, HandlerAssignment
from app.models.base import utcnow
from app.models.choices import WORKFLOW_STATUS
from app.models.registry import REVIEWABLE
from app.services.calendar.days import add_working_days, load

# {record type: model} of the hall's requests that wait for the office's signed decision.
OFFICE_REQUESTS = {"hall_request": HallRequest, "handler_assignment": HandlerAssignment}
WAITING = {**REVIEWABLE, **OFFICE_REQUESTS}


def pending_count(session: Session) -> int:
    """Submitted records of every kind, counted in one statement."""
    counts = [
        select(func.count())
        .select_from(model)
        .where(model.status == WORKFLOW_STATUS.SUBMITTED)
        .scalar_subquery()
        for model in WAITING.values()
    ]
    total = counts[0]
    for count in counts[1:]:
        total = total + count
    return session.execute(select(total)).scalar() or 0


def pending(
    session: Session,
    record_type: str | None = None,
    department_id: int | None = None,
    overdue_only: bool = False,
) -> list[dict[str, object]]:
    """Rows of the inbox: dicts with the record, its kind, age in days and due date; only
    one kind, one department or the overdue ones when asked."""
    due_days = current_app.config.get("REVIEW_DUE_WORKING_DAYS", 5)
    now = utcnow()
    calendar = load(session)
    rows = []
    for kind, model in WAITING.items():
        if record_type and kind != record_type:
            continue
        query = (
            session.query(model)
            .filter(model.status == WORKFLOW_STATUS.SUBMITTED)
            .options(selectinload(model.submitted_by))
        )
        if department_id is not None:
            query = query.filter(model.department_id == department_id)
        for record in query:
            submitted = record.submitted_at or record.updated_at
            due = add_working_days(submitted, due_days, calendar)
            if overdue_only and not now > due:
                continue
            rows.append(
                {
                    "record": record,
                    "record_type": kind,
                    "age_days": (now - submitted).days,
                    "due": due,
                    "overdue": now > due,
                    "batch": kind in REVIEWABLE,
                }
            )
    rows.sort(key=lambda r: r["record"].submitted_at or r["record"].updated_at)
    return rows
