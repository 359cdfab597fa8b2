"""Publishing the three lists, their versions and diffs, and public comments (公示意见).

`publish` freezes the public projection of every current approved item into `PublicationItem`
rows, signed like an approval (password re-entry, keyed hash), numbered, with the diff against
the previous publication. Everything the public reads comes from those rows. Comments are open
only during the publicity window of the latest publication; the reviewer's reply is public, a
comment can open a rectification task, and the office can hide one (with a reason, audited).
Functions leave the commit to the caller.
"""

import json
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import insert, select

from app.models import (
    Department,
    Publication,
    PublicationItem,
    PublicComment,
    ServiceItem,
)
from app.models.base import utcnow
from app.services.access import permissions
from app.services.errors import DomainError, NotFoundError
from app.services.ledger import rectification
from app.services.publish import lists
from app.services.publish.search import departments_of, index_items, search  # noqa: F401
from app.services.trail import audit
from app.services.trail.signature import signature_hash, signer_display_name, verify_password
from app.services.trail.snapshot import canonical_json, sha256_hex

COMMENT_MAX = 500
REPLY_MAX = 2000
PAGE_SIZE = 50
# Fields whose change the diff reports by name (everything of the public projection).
DIFF_IGNORED = frozenset({"version", "department_id"})


def latest(session):
    return session.scalars(select(Publication).order_by(Publication.number.desc()).limit(1)).first()


def get(session, number):
    row = session.scalars(select(Publication).filter_by(number=number)).first()
    if row is None:
        raise NotFoundError(_("该发布版本不存在。"))
    return row


def all_publications(session):
    return session.scalars(select(Publication).order_by(Publication.number.desc())).all()


def items_of(session, publication):
    """Public projections of a publication's items, ordered by code."""
    rows = session.execute(
        select(PublicationItem.data)
        .where(PublicationItem.publication_id == publication.id)
        .order_by(PublicationItem.code)
    ).scalars()
    return [json.loads(data) for data in rows]


def item_of(session, publication, code):
    row = session.scalars(
        select(PublicationItem).filter_by(publication_id=publication.id, code=code)
    ).first()
    if row is None:
        raise NotFoundError(_("该事项不在已发布的清单中。"))
    return json.loads(row.data)


def diff_items(old, new):
    """{"added": [{code, name}], "removed": [...], "changed": [{code, name, fields}]}."""
    old_by, new_by = {i["code"]: i for i in old}, {i["code"]: i for i in new}
    changed = []
    for code in sorted(old_by.keys() & new_by.keys()):
        before, after = old_by[code], new_by[code]
        fields = sorted(
            k
            for k in set(before) | set(after)
            if k not in DIFF_IGNORED and before.get(k) != after.get(k)
        )
        if fields:
            changed.append({"code": code, "name": after["name"], "fields": fields})
    return {
        "added": [
            {"code": c, "name": new_by[c]["name"]} for c in sorted(new_by.keys() - old_by.keys())
        ],
        "removed": [
            {"code": c, "name": old_by[c]["name"]} for c in sorted(old_by.keys() - new_by.keys())
        ],
        "changed": changed,
    }


def _diff_against(session, previous, items, hashes):
    """diff_items against the previous publication, reading in full only the items whose
    published text differs (their hashes say which)."""
    if previous is None:
        return diff_items([], items)
    old = {
        code: (name, digest)
        for code, name, digest in session.execute(
            select(PublicationItem.code, PublicationItem.name, PublicationItem.data_hash).where(
                PublicationItem.publication_id == previous.id
            )
        )
    }
    new = {i["code"]: (i, h) for i, h in zip(items, hashes, strict=True)}
    differing = [code for code in old.keys() & new.keys() if old[code][1] != new[code][1]]
    before = {}
    for start in range(0, len(differing), 500):
        chunk = differing[start : start + 500]
        before.update(
            (code, json.loads(data))
            for code, data in session.execute(
                select(PublicationItem.code, PublicationItem.data).where(
                    PublicationItem.publication_id == previous.id, PublicationItem.code.in_(chunk)
                )
            )
        )
    result = diff_items([before[c] for c in sorted(before)], [new[c][0] for c in sorted(before)])
    result["added"] = [
        {"code": c, "name": new[c][0]["name"]} for c in sorted(new.keys() - old.keys())
    ]
    result["removed"] = [{"code": c, "name": old[c][0]} for c in sorted(old.keys() - new.keys())]
    return result


def pending_changes(session):
    """What publishing now would add, change and remove (every department: publishers only)."""
    items = lists.current_items(session)
    return _diff_against(
        session, latest(session), items, [sha256_hex(canonical_json(i)) for i in items]
    )


def _parse_date(value, label):
    if isinstance(value, date) or value is None:
        return value
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise DomainError(
            _("{field}不是有效日期（格式：2026-12-01）。").format(field=label)
        ) from error


def publish(session, user, password, publicity_start=None, publicity_end=None, note=None):
    """Sign and freeze a new numbered publication of the three lists; returns it."""
    permissions.ensure(user, "publish")
    start = _parse_date(publicity_start, _("公示开始日期"))
    end = _parse_date(publicity_end, _("公示结束日期"))
    if (start is None) != (end is None):
        raise DomainError(_("公示期须同时填写开始和结束日期。"))
    if start and end < start:
        raise DomainError(_("公示结束日期不能早于开始日期。"))
    if note and len(note) > REPLY_MAX:
        raise DomainError(_("说明不能超过 {n} 个字。").format(n=REPLY_MAX))
    verify_password(user, password)
    items = lists.current_items(session)
    if not items:
        raise DomainError(_("还没有审核通过的事项，不能发布清单。"))
    previous = latest(session)
    texts = [canonical_json(i) for i in items]
    hashes = [sha256_hex(t) for t in texts]
    changes = _diff_against(session, previous, items, hashes)
    content_hash = sha256_hex(
        canonical_json([[i["code"], h] for i, h in zip(items, hashes, strict=True)])
    )
    number = (previous.number if previous else 0) + 1
    signed_at = utcnow()
    publication = Publication(
        number=number,
        published_at=signed_at,
        signer_id=user.id,
        signer_name=signer_display_name(user),
        content_hash=content_hash,
        signature_hash=signature_hash(
            "publication", number, "published", user.id, signed_at, content_hash
        ),
        item_count=len(items),
        publicity_start=start,
        publicity_end=end,
        note=(note or "").strip() or None,
        changes=canonical_json(changes),
    )
    session.add(publication)
    session.flush()
    # One multi-row INSERT: a publication holds every item of the college.
    session.execute(
        insert(PublicationItem),
        [
            dict(
                publication_id=publication.id,
                code=i["code"],
                name=i["name"],
                department_id=i["department_id"],
                department_name=i["department_name"] or "",
                kind=i["kind"],
                user_groups=i["user_groups"],
                materials_text="\n".join(m["name"] for m in i["materials"]),
                data=text,
                data_hash=h,
            )
            for i, text, h in zip(items, texts, hashes, strict=True)
        ],
    )
    index_items(
        session,
        publication,
        (dict(i, materials_text="\n".join(m["name"] for m in i["materials"])) for i in items),
    )
    audit.record_event(
        session,
        "transition",
        record_type="publication",
        record_id=publication.id,
        summary=_("发布清单第 {n} 版").format(n=number),
        changes={
            "added": len(changes["added"]),
            "changed": len(changes["changed"]),
            "removed": len(changes["removed"]),
        },
    )
    session.flush()
    return publication


# --- Comments --------------------------------------------------------------------------------


def window_open(publication, today=None):
    today = today or utcnow().date()
    return bool(
        publication
        and publication.publicity_start
        and publication.publicity_end
        and publication.publicity_start <= today <= publication.publicity_end
    )


def add_comment(session, publication, body, item_code=None, list_kind=None, today=None):
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


def comments(session, publication=None, item_code=None, list_kind=None):
    query = select(PublicComment).order_by(PublicComment.created_at.desc(), PublicComment.id.desc())
    if publication is not None:
        query = query.where(PublicComment.publication_id == publication.id)
    if item_code is not None:
        query = query.where(PublicComment.item_code == item_code)
    elif list_kind is not None:
        query = query.where(PublicComment.list_kind == list_kind)
    return session.scalars(query).all()


def _audited(session, comment, summary, changes):
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


def _comment(session, comment_id):
    row = session.get(PublicComment, comment_id)
    if row is None:
        raise NotFoundError(_("该意见不存在。"))
    return row


def reply(session, comment_id, user, text):
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


def hide_comment(session, comment_id, user, reason):
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


def unhide_comment(session, comment_id, user):
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


def open_task(session, comment_id, user, department_id=None):
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
