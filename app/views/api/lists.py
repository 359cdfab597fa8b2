"""The published lists for the portal's 服务专栏: versions, each list as JSON or XLSX, and the
public sheets of the items, with caching headers.

A publication never changes once signed, so its ETag is its number and content hash and its
Last-Modified the moment it was signed; a client sending `If-None-Match` with it gets 304.
The version list changes with each new publication, so its ETag follows the newest one. The
calls need the token scope `lists:read` only: what they show is public already.
"""

from flask import Response, jsonify, make_response, request
from flask_babel import gettext as _

from app.extensions import db
from app.services.errors import DomainError, NotFoundError
from app.services.publish import lists, publication

from ..download import send_published_list
from .auth import need_scope
from .records import page_args

SCOPE = "lists:read"


def _stamp(pub) -> str:
    return f'"pub-{pub.number}-{pub.content_hash[:16]}"' if pub else '"pub-none"'


def _cached(response: Response, etag: str, modified=None) -> Response:
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = "private, max-age=300, must-revalidate"
    if modified is not None:
        response.last_modified = modified
    return response


def _fresh(etag: str) -> bool:
    sent = request.headers.get("If-None-Match", "")
    return etag in [tag.strip() for tag in sent.split(",")] or sent.strip() == "*"


def _publication(number: int):
    try:
        return publication.get(db.session, number)
    except NotFoundError:
        raise NotFoundError(_("没有这一版已发布的清单。")) from None


def _meta(pub) -> dict:
    return {
        "number": pub.number,
        "published_at": pub.published_at.isoformat(timespec="seconds") + "Z",
        "signer": pub.signer_name,
        "item_count": pub.item_count,
        "publicity_start": pub.publicity_start.isoformat() if pub.publicity_start else None,
        "publicity_end": pub.publicity_end.isoformat() if pub.publicity_end else None,
        "content_hash": pub.content_hash,
        "lists": {
            kind: {
                "title": title,
                "json": f"/api/v1/lists/{pub.number}/{kind}",
                "xlsx": f"/api/v1/lists/{pub.number}/{kind}.xlsx",
            }
            for kind, title in lists.list_titles().items()
        },
    }


def _answer(etag, modified, make):
    if _fresh(etag):
        return _cached(make_response("", 304), etag, modified)
    return _cached(make(), etag, modified)


def versions():
    need_scope(SCOPE)
    session = db.session
    newest = publication.latest(session)
    return _answer(
        _stamp(newest),
        newest.published_at if newest else None,
        lambda: jsonify(
            latest=newest.number if newest else None,
            versions=[_meta(p) for p in publication.all_publications(session)],
        ),
    )


def version(number: int):
    need_scope(SCOPE)
    pub = _publication(number)
    return _answer(_stamp(pub), pub.published_at, lambda: jsonify(_meta(pub)))


def list_rows(number: int, kind: str):
    need_scope(SCOPE)
    if kind not in lists.LIST_KINDS:
        raise NotFoundError(_("没有这种清单。"))
    pub = _publication(number)

    def make():
        items = publication.items_of(db.session, pub)
        return jsonify(
            number=pub.number,
            kind=kind,
            title=lists.list_titles()[kind],
            columns=lists.headers(kind),
            rows=lists.rows(kind, items),
        )

    return _answer(f'{_stamp(pub)[:-1]}-{kind}"', pub.published_at, make)


def list_xlsx(number: int, kind: str):
    need_scope(SCOPE)
    if kind not in lists.LIST_KINDS:
        raise NotFoundError(_("没有这种清单。"))
    pub = _publication(number)
    return _answer(
        f'{_stamp(pub)[:-1]}-{kind}-xlsx"', pub.published_at, lambda: send_published_list(pub, kind)
    )


def items(number: int):
    """The public sheets (six modules, materials, nodes) of a version's items, paged."""
    need_scope(SCOPE)
    pub = _publication(number)
    page, size = page_args()
    unknown = sorted(set(request.args) - {"page", "page_size"})
    if unknown:
        raise DomainError(_("不支持的查询参数：{names}").format(names="、".join(unknown)))

    def make():
        every = publication.items_of(db.session, pub)
        return jsonify(
            number=pub.number,
            items=every[(page - 1) * size : page * size],
            page=page,
            page_size=size,
            total=len(every),
        )

    return _answer(f'{_stamp(pub)[:-1]}-items-{page}-{size}"', pub.published_at, make)
