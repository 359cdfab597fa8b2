"""Public comments (公示意见) on the latest publication.

Comments are open only during the publicity window of the latest publication; the reviewer's
reply is public, a comment can open a rectification task, and the office can hide one (with a
reason, audited). Functions leave the commit to the caller.
"""

from collections.abc import Sequence
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import (
    ConsoleUser,
    Department,
    Publication,
    PublicComment,
    RectificationTask,
    ServiceItem,
)
from app.models.base import utcnow
from app.services.access import permissions
from app.services.errors import DomainError, NotFoundError
from app.services.ledger import rectification
from app.services.trail import audit

from . import lists
from .publication import item_of, latest

COMMENT_MAX = 500
REPLY_MAX = 2000


def window_open(publication: Publication | None, today: date | None = None) -> bool:
    today = today or utcnow().date()
    return bool(
        publication
        and publication.publicity_start
        and publication.publicity_end
        and publication.publicity_start <= today <= publication.publicity_end
    )


def add_comment(
    session: Session,
    publication: Publication | None,
    body: str | None,
    item_code: str | None = None,
    list_kind: str | None = None,
    today: date | None = None,
) -> PublicComment:
    """A public comment on the latest publication, during its publicity window only."""
    if (
        publication is None
        or latest(session).id != publication.id
        or not window_open(publication, today)
    ):
        raise DomainError(_("当前不在公示期内，不能提交意见。"))
    body = (body or "").strip()
    if not body:
        raise DomainError(_("请填写意见内容。"))
    if len(body) > COMMENT_MAX:
        raise DomainError(_("意见不能超过 {n} 个字。").format(n=COMMENT_MAX))
    if item_code:
        item_of(session, publication, item_code)
        list_kind = None
    elif list_kind not in lists.LIST_KINDS:
        list_kind = None
    comment = PublicComment(
        publication_id=publication.id, item_code=item_code or None, list_kind=list_kind, body=body
    )
    session.add(comment)
    session.flush()
    audit.record_event(
        session,
        "comment",
        record_type="public_comment",
        record_id=comment.id,
        summary=_("公众意见：{target}").format(target=item_code or list_kind or _("清单")),
        changes={"body": [None, body]},
    )
    return comment


def of(
    session: Session,
    publication: Publication | None = None,
    item_code: str | None = None,
    list_kind: str | None = None,
) -> Sequence[PublicComment]:
    """Comments, newest first, of one publication, one item or one list."""
    query = select(PublicComment).order_by(PublicComment.created_at.desc(), PublicComment.id.desc())
    if publication is not None:
        query = query.where(PublicComment.publication_id == publication.id)
    if item_code is not None:
        query = query.where(PublicComment.item_code == item_code)
    elif list_kind is not None:
        query = query.where(PublicComment.list_kind == list_kind)
    return session.scalars(query).all()


# The office's views of the comments: what still needs an answer, what was answered, hidden.
MODERATION_STATES = ("open", "answered", "hidden")


def moderation(
    session: Session,
    state: str | None = None,
    text: str | None = None,
    page: int = 1,
    size: int = 20,
) -> tuple[Sequence[PublicComment], int]:
    """One page of comments for the office, newest first, and how many match in all: `state`
    one of MODERATION_STATES (else all), `text` found in the body or the item code."""
    query = select(PublicComment)
    if state == "open":
        query = query.where(PublicComment.reply.is_(None), PublicComment.hidden_at.is_(None))
    elif state == "answered":
        query = query.where(PublicComment.reply.is_not(None))
    elif state == "hidden":
        query = query.where(PublicComment.hidden_at.is_not(None))
    text = (text or "").strip()[:100]
    if text:
        pattern = "%{}%".format(text.replace("\\", "").replace("%", "").replace("_", ""))
        query = query.where(PublicComment.body.like(pattern) | (PublicComment.item_code == text))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(PublicComment.created_at.desc(), PublicComment.id.desc())
        .limit(size)
        .offset((max(page, 1) - 1) * size)
    ).all()
    return rows, total


def _audited(
    session: Session, comment: PublicComment, summary: str, changes: dict
) -> PublicComment:
    """Write the audit event of an office move on `comment`, flush, and return the comment."""
    audit.record_event(
        session,
        "update",
        record_type="public_comment",
        record_id=comment.id,
        summary=summary,
        changes=changes,
    )
    session.flush()
    return comment


def _comment(session: Session, comment_id: int) -> PublicComment:
    row = session.get(PublicComment, comment_id)
    if row is None:
        raise NotFoundError(_("该意见不存在。"))
    return row


def reply(session: Session, comment_id: int, user: ConsoleUser, text: str | None) -> PublicComment:
    """The reviewer's public reply to a comment (replacing an earlier reply)."""
    permissions.ensure(user, "answer_comments")
    comment = _comment(session, comment_id)
    text = (text or "").strip()
    if not text:
        raise DomainError(_("请填写答复内容。"))
    if len(text) > REPLY_MAX:
        raise DomainError(_("答复不能超过 {n} 个字。").format(n=REPLY_MAX))
    old = comment.reply
    comment.reply, comment.replied_at, comment.replied_by_id = text, utcnow(), user.id
    return _audited(
        session, comment, _("答复公示意见 {n}").format(n=comment.id), {"reply": [old, text]}
    )


def hide_comment(
    session: Session, comment_id: int, user: ConsoleUser, reason: str | None
) -> PublicComment:
    """Hide a comment from the public pages (they say a comment was hidden, and when); the
    reason is required and the move is audited. `unhide_comment` undoes it."""
    permissions.ensure(user, "answer_comments")
    comment = _comment(session, comment_id)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请填写隐藏原因。"))
    if len(reason) > REPLY_MAX:
        raise DomainError(_("隐藏原因不能超过 {n} 个字。").format(n=REPLY_MAX))
    if comment.is_hidden:
        raise DomainError(_("该意见已被隐藏。"))
    comment.hidden_at, comment.hidden_by_id, comment.hidden_reason = utcnow(), user.id, reason
    return _audited(
        session,
        comment,
        _("隐藏公示意见 {n}").format(n=comment.id),
        {"hidden": [False, True], "hidden_reason": [None, reason]},
    )


def unhide_comment(session: Session, comment_id: int, user: ConsoleUser) -> PublicComment:
    """Show a hidden comment again (audited, with the reason it had been hidden for)."""
    permissions.ensure(user, "answer_comments")
    comment = _comment(session, comment_id)
    if not comment.is_hidden:
        raise DomainError(_("该意见未被隐藏。"))
    reason = comment.hidden_reason
    comment.hidden_at = comment.hidden_by_id = comment.hidden_reason = None
    return _audited(
        session,
        comment,
        _("取消隐藏公示意见 {n}").format(n=comment.id),
        {"hidden": [True, False], "hidden_reason": [reason, None]},
    )


def open_task(
    session: Session, comment_id: int, user: ConsoleUser, department_id: int | None = None
) -> RectificationTask:
    """Open a rectification task (source 公示意见) for a comment; one task per comment."""
    permissions.ensure(user, "answer_comments")
    comment = _comment(session, comment_id)
    if comment.task_id:
        raise DomainError(_("该意见已生成整改任务。"))
    item = None
    if comment.item_code:
        item = session.scalars(select(ServiceItem).filter_by(code=comment.item_code)).first()
        department_id = department_id or (item.department_id if item else None)
    if not department_id or session.get(Department, department_id) is None:
        raise DomainError(_("请选择整改责任部门。"))
    task = rectification.open_task(
        session,
        user,
        source="comment",
        department=department_id,
        title=_("公示意见整改：{text}").format(text=comment.body[:60]),
        description=comment.body,
        category="process",
        item=item,
        source_ref=comment.id,
    )
    comment.task_id = task.id
    session.flush()
    return task
