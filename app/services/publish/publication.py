"""Publishing the three lists, their versions and diffs.

`publish` freezes the public projection of every current approved item into `PublicationItem`
rows, signed like an approval (password re-entry, keyed hash), numbered, with the diff against
the previous publication. Everything the public reads comes from those rows. Public comments on
a publication are in `comments`. Functions leave the commit to the caller.
"""

import json
from collections.abc import Sequence
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.models import ConsoleUser, Publication, PublicationItem
from app.models.base import utcnow
from app.services.access import permissions
from app.services.errors import DomainError, NotFoundError
from app.services.publish import lists
from app.services.publish.search import departments_of, index_items, search  # noqa: F401
from app.services.trail import audit
from app.services.trail.signature import signature_hash, signer_display_name, verify_password
from app.services.trail.snapshot import canonical_json, sha256_hex

NOTE_MAX = 2000
PAGE_SIZE = 50
# Fields whose change the diff reports by name (everything of the public projection).
DIFF_IGNORED = frozenset({"version", "department_id"})


def latest(session: Session) -> Publication | None:
    return session.scalars(select(Publication).order_by(Publication.number.desc()).limit(1)).first()


def get(session: Session, number: int) -> Publication:
    row = session.scalars(select(Publication).filter_by(number=number)).first()
    if row is None:
        raise NotFoundError(_("该发布版本不存在。"))
    return row


def all_publications(session: Session) -> Sequence[Publication]:
    return session.scalars(select(Publication).order_by(Publication.number.desc())).all()


def items_of(session: Session, publication: Publication) -> list[dict]:
    """Public projections of a publication's items, ordered by code."""
    rows = session.execute(
        select(PublicationItem.data)
        .where(PublicationItem.publication_id == publication.id)
        .order_by(PublicationItem.code)
    ).scalars()
    return [json.loads(data) for data in rows]


def item_of(session: Session, publication: Publication, code: str) -> dict:
    row = session.scalars(
        select(PublicationItem).filter_by(publication_id=publication.id, code=code)
    ).first()
    if row is None:
        raise NotFoundError(_("该事项不在已发布的清单中。"))
    return json.loads(row.data)


def diff_items(old: list[dict], new: list[dict]) -> dict[str, list[dict]]:
    """{"added": [{code, name}], "removed": [...], "changed": [{code, name, fields, values}]}:
    `values` holds {field: [before, after]} so that the page can say what changed."""
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
            changed.append(
                {
                    "code": code,
                    "name": after["name"],
                    "fields": fields,
                    "values": {k: [before.get(k), after.get(k)] for k in fields},
                }
            )
    return {
        "added": [
            {"code": c, "name": new_by[c]["name"]} for c in sorted(new_by.keys() - old_by.keys())
        ],
        "removed": [
            {"code": c, "name": old_by[c]["name"]} for c in sorted(old_by.keys() - new_by.keys())
        ],
        "changed": changed,
    }


def _diff_against(
    session: Session, previous: Publication | None, items: list[dict], hashes: list[str]
) -> dict[str, list[dict]]:
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


def pending_changes(session: Session) -> dict[str, list[dict]]:
    """What publishing now would add, change and remove (every department: publishers only)."""
    items = lists.current_items(session)
    return _diff_against(
        session, latest(session), items, [sha256_hex(canonical_json(i)) for i in items]
    )


def _parse_date(value: date | str | None, label: str) -> date | None:
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


def publish(
    session: Session,
    user: ConsoleUser,
    password: str,
    publicity_start: date | str | None = None,
    publicity_end: date | str | None = None,
    note: str | None = None,
) -> Publication:
    """Sign and freeze a new numbered publication of the three lists; returns it."""
    permissions.ensure(user, "publish")
    start = _parse_date(publicity_start, _("公示开始日期"))
    end = _parse_date(publicity_end, _("公示结束日期"))
    if (start is None) != (end is None):
        raise DomainError(_("公示期须同时填写开始和结束日期。"))
    if start and end < start:
        raise DomainError(_("公示结束日期不能早于开始日期。"))
    if note and len(note) > NOTE_MAX:
        raise DomainError(_("说明不能超过 {n} 个字。").format(n=NOTE_MAX))
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
