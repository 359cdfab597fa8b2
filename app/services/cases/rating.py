"""好差评: the applicant rates a completed case once, five levels on each of GB/T 39734's online
indicators and a comment. A poor overall rating (不满意 or worse) opens a rectification task of
the item's department, due in 15 working days of the official calendar, that calls the
applicant back; the applicant reads its outcome on the case's page. Never commits."""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.models import Case, CaseRating, ConsoleUser, RectificationTask
from app.models.base import utcnow
from app.models.choices import POOR_RATING_LEVELS, RATING_LEVEL, TASK_STATUS
from app.services.access import permissions
from app.services.calendar import days
from app.services.errors import DomainError, NotFoundError
from app.services.trail import audit
from app.services.trail.signature import signer_display_name

# A 差评's rectification is due this many working days after the rating.
RECTIFY_WORKING_DAYS = 15
COMMENT_MAX = 500


def may_rate(case: Case, user: ConsoleUser | None) -> bool:
    """The applicant of a completed case that has no rating yet."""
    return (
        user is not None
        and case.applicant_id == getattr(user, "id", None)
        and case.status == "completed"
        and case.rating is None
    )


def rate(
    session: Session,
    case: Case,
    user: ConsoleUser,
    levels: dict[str, str],
    comment: str | None,
    today: date | None = None,
) -> CaseRating:
    """Record the applicant's rating of `case`; a 差评 opens its rectification task."""
    permissions.ensure(user, "apply_case")
    if case.applicant_id != user.id:
        raise NotFoundError(_("办件不存在。"))
    if case.status != "completed":
        raise DomainError(_("办件办结后才能评价。"))
    if case.rating is not None:
        raise DomainError(_("该办件已评价，每个办件只能评价一次。"))
    chosen = {}
    for name in CaseRating.INDICATORS:
        value = (levels.get(name) or "").strip()
        if value not in RATING_LEVEL:
            label = CaseRating.__table__.c[name].info["label"]
            raise DomainError(_("请选择“{indicator}”的评价等级。").format(indicator=label))
        chosen[name] = value
    comment = (comment or "").strip() or None
    if comment and len(comment) > COMMENT_MAX:
        raise DomainError(_("评价内容不能超过 {n} 个字。").format(n=COMMENT_MAX))
    if chosen["overall"] in POOR_RATING_LEVELS and not comment:
        raise DomainError(_("不满意的评价请写明原因，便于部门整改。"))
    rating = CaseRating(case=case, comment=comment, rated_at=utcnow(), **chosen)
    session.add(rating)
    if rating.is_poor:
        rating.task = _open_task(session, case, rating, today or date.today())
    audit.record_event(
        session,
        "case_rate",
        case,
        summary=_("办件评价：{case}，{level}").format(
            case=case, level=RATING_LEVEL.label(rating.overall)
        ),
        changes={"rating": [None, rating.overall]},
    )
    session.flush()
    return rating


def _open_task(session: Session, case: Case, rating: CaseRating, today: date) -> RectificationTask:
    """The 差评's ledger task: the item's department fixes it and calls the applicant back."""
    applicant = case.applicant
    contact = applicant.email or ""
    lines = [
        _("申请人对办件（{id}）评价为“{level}”。").format(
            id=case.id, level=RATING_LEVEL.label(rating.overall)
        ),
        "；".join(
            "{label}：{level}".format(
                label=CaseRating.__table__.c[name].info["label"],
                level=RATING_LEVEL.label(getattr(rating, name)),
            )
            for name in CaseRating.INDICATORS
        ),
        _("评价内容：{comment}").format(comment=rating.comment or ""),
        _("整改完成后请回访申请人：{name}（{contact}）。").format(
            name=signer_display_name(applicant), contact=contact
        ),
    ]
    task = RectificationTask(
        title=_("办件差评整改：{item}（办件 {id}）").format(item=case.item.name, id=case.id)[:200],
        source="rating",
        category="process",
        description="\n".join(lines),
        deadline=days.add_working_days(today, RECTIFY_WORKING_DAYS),
        task_status="open",
        department_id=case.department_id,
        service_item=case.item,
        source_key=f"case:{case.id}:rating",
    )
    session.add(task)
    return task


@dataclass(frozen=True)
class Outcome:
    """What the applicant reads of their 差评's rectification."""

    status: str
    status_label: str
    deadline: date | None
    measure: str | None
    evidence: str | None
    closed_at: object | None


def outcome(rating: CaseRating | None) -> Outcome | None:
    task = rating.task if rating is not None else None
    if task is None:
        return None
    return Outcome(
        task.task_status,
        TASK_STATUS.label(task.task_status),
        task.deadline,
        task.measure,
        task.evidence,
        task.closed_at,
    )
