"""The final review of the lists (notice, phase 4: 审议定稿、长效公开).

After the publicity window, the IT office submits the finished three lists (the latest
publication) together with the digital rectification ledger (frozen as it stands) for the
校长办公会 (`submit`). The party & administration office records the meeting's decision
(`decide`): the meeting date, the minute number and the minutes as an attachment, approved or
returned. An approved review makes its publication the 定稿 version (`standing`), the standard
the public pages open on (`default_publication`); every later publication is marked as a
revision of it (`statuses`, `revisions`). Functions leave the commit to the caller.
"""

import json
from collections.abc import Iterable
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import ConsoleUser, FinalReview, Publication, RectificationTask
from app.models.base import utcnow
from app.services.access import permissions
from app.services.errors import DomainError, InvalidTransitionError
from app.services.publish import publication as publications
from app.services.trail import audit
from app.services.trail.signature import signer_display_name
from app.services.trail.snapshot import canonical_json, sha256_hex

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
DECISIONS = ("approved", "returned")


def reviews(session: Session) -> list[FinalReview]:
    return list(session.scalars(select(FinalReview).order_by(FinalReview.id.desc())))


def pending(session: Session) -> FinalReview | None:
    return session.scalars(
        select(FinalReview).where(FinalReview.status == "submitted").limit(1)
    ).first()


def _ledger(session: Session) -> list[dict]:
    """The rectification ledger as it stands: one plain row per task."""
    rows = session.execute(
        select(
            RectificationTask.id,
            RectificationTask.department_id,
            RectificationTask.title,
            RectificationTask.task_status,
            RectificationTask.deadline,
        ).order_by(RectificationTask.id)
    )
    return [
        {
            "id": task_id,
            "department_id": dept,
            "title": title,
            "status": status,
            "deadline": deadline.isoformat() if deadline else None,
        }
        for task_id, dept, title, status, deadline in rows
    ]


def submit(
    session: Session, user: ConsoleUser, note: str = "", today: date | None = None
) -> FinalReview:
    """Submit the latest publication and the ledger for the 校长办公会."""
    permissions.ensure(user, "submit_final_review")
    today = today or utcnow().date()
    pub = publications.latest(session)
    if pub is None:
        raise DomainError(_("清单尚未发布，不能提交校长办公会审议。"))
    if pub.publicity_end is not None and pub.publicity_end >= today:
        raise DomainError(
            _("第 {n} 版清单的公示期至 {day} 结束，公示结束后方可提交审议。").format(
                n=pub.number, day=pub.publicity_end.isoformat()
            )
        )
    if pending(session) is not None:
        raise InvalidTransitionError(_("已有提交校长办公会审议的清单尚未记录审议结果。"))
    ledger = _ledger(session)
    review = FinalReview(
        publication_id=pub.id,
        publication=pub,
        status="submitted",
        ledger_total=len(ledger),
        ledger_open=sum(1 for t in ledger if t["status"] != "done"),
        ledger=canonical_json(ledger),
        ledger_hash=sha256_hex(canonical_json(ledger)),
        note=(note or "").strip() or None,
        submitted_at=utcnow(),
        submitted_by_id=user.id,
        submitted_by_name=signer_display_name(user),
    )
    session.add(review)
    session.flush()
    audit.record_event(
        session,
        "transition",
        review,
        changes={"status": [None, "submitted"], "publication": [None, pub.number]},
        summary=_("提交校长办公会审议：第 {n} 版清单及整改台账").format(n=pub.number),
    )
    session.flush()
    return review


def decide(
    session: Session,
    review: FinalReview,
    user: ConsoleUser,
    decision: str,
    meeting_date: date | None,
    minute_no: str,
    attachment: tuple[str, str, bytes] | None = None,
    comment: str = "",
    today: date | None = None,
) -> None:
    """Record the 校长办公会's decision on `review` (approved or returned)."""
    permissions.ensure(user, "record_final_decision")
    if review.status != "submitted":
        raise InvalidTransitionError(_("该审议已记录结果，请刷新页面。"))
    if decision not in DECISIONS:
        raise DomainError(_("未知的审议结果。"))
    minute_no = (minute_no or "").strip()
    comment = (comment or "").strip()
    problems = []
    if meeting_date is None:
        problems.append(_("请填写会议日期"))
    elif meeting_date > (today or utcnow().date()):
        problems.append(_("会议日期不能晚于今天"))
    elif meeting_date < review.submitted_at.date():
        problems.append(_("会议日期不能早于提交审议的日期"))
    if not minute_no:
        problems.append(_("请填写会议纪要编号"))
    if decision == "approved" and not attachment:
        problems.append(_("请上传会议纪要（附件）"))
    if decision == "returned" and not comment:
        problems.append(_("退回时请填写审议意见"))
    if attachment and len(attachment[2]) > ATTACHMENT_MAX_BYTES:
        problems.append(_("附件不能超过 10 MB"))
    if problems:
        raise DomainError("；".join(str(p) for p in problems))
    review.status = decision
    review.meeting_date = meeting_date
    review.minute_no = minute_no[:64]
    review.decision_comment = comment or None
    if attachment:
        review.attachment_name, review.attachment_type, review.attachment = attachment
    review.decided_at = utcnow()
    review.recorded_by_id = user.id
    review.recorded_by_name = signer_display_name(user)
    audit.record_event(
        session,
        "transition",
        review,
        changes={"status": ["submitted", decision], "minute_no": [None, review.minute_no]},
        summary=_("校长办公会审议结果（{minute}）：第 {n} 版清单").format(
            minute=review.minute_no, n=review.publication.number
        ),
    )
    session.flush()


def standing(session: Session) -> FinalReview | None:
    """The approved review of the newest 定稿 publication, or None."""
    return session.scalars(
        select(FinalReview)
        .join(Publication, FinalReview.publication_id == Publication.id)
        .where(FinalReview.status == "approved")
        .order_by(Publication.number.desc())
        .limit(1)
    ).first()


def _approved(session: Session) -> list[FinalReview]:
    """The approved reviews, oldest publication first."""
    return list(
        session.scalars(
            select(FinalReview)
            .join(Publication, FinalReview.publication_id == Publication.id)
            .where(FinalReview.status == "approved")
            .order_by(Publication.number)
        )
    )


def statuses(session: Session, pubs: Iterable[Publication]) -> dict[int, dict]:
    """{publication id: what the public pages say of it}: {"final": review} for a 定稿
    version, {"revises": review} for a later one (it revises the newest 定稿 published before
    it), {} for one published before any 定稿."""
    approved = _approved(session)
    found = {}
    for pub in pubs:
        own = next((r for r in approved if r.publication_id == pub.id), None)
        before = [r for r in approved if r.publication.number < pub.number]
        found[pub.id] = {"final": own} if own else {"revises": before[-1]} if before else {}
    return found


def revision_of(session: Session, pub: Publication) -> FinalReview | None:
    """The 定稿 review that `pub` revises (the newest published before it), or None."""
    return status_of(session, pub).get("revises")


def status_of(session: Session, pub: Publication) -> dict:
    """What the public page says of `pub` (see `statuses`)."""
    return statuses(session, [pub])[pub.id]


def default_publication(session: Session) -> Publication | None:
    """The publication the public pages open on: the standing 定稿 once the 校长办公会 has
    approved one (later publications are its revisions, shown beside it), else the latest."""
    final = standing(session)
    return final.publication if final is not None else publications.latest(session)


def revisions(session: Session, final: FinalReview) -> list[Publication]:
    """The publications after the 定稿 `final`, newest first."""
    return list(
        session.scalars(
            select(Publication)
            .where(Publication.number > final.publication.number)
            .order_by(Publication.number.desc())
        )
    )


def ledger_of(review: FinalReview) -> list[dict]:
    return json.loads(review.ledger)


def count_pending(session: Session) -> int:
    return session.scalar(
        select(func.count()).select_from(FinalReview).where(FinalReview.status == "submitted")
    )
