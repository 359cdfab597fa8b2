"""Public pages, no login (公众): the published lists, item sheets, versions and diffs,
comments during the publicity window, and the /verify page for printed codes.

A plain blueprint outside FAB's permission model: every page reads only published rows
(`PublicationItem`) or a verified print, so there is nothing unapproved to protect here. Rules
live in app.services.publish.publication and app.services.publish.verification; limits in
app.services.access.throttle.
"""

import json

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.extensions import db
from app.models.choices import ITEM_KIND, MATERIAL_FORM, NODE_KIND, USER_GROUP
from app.services.access import throttle
from app.services.errors import NotFoundError
from app.services.publish import lists, publication, verification

from .params import bounded_int
from .transaction import one_transaction

bp = Blueprint("public", __name__)


def _context(**values):
    return dict(
        labels={"kind": ITEM_KIND, "form": MATERIAL_FORM, "node": NODE_KIND, "group": USER_GROUP},
        list_titles=lists.list_titles(),
        **values,
    )


def _publication(number=None):
    session = db.session
    try:
        return publication.get(session, number) if number else publication.latest(session)
    except NotFoundError:
        abort(404)


def _page():
    return bounded_int(request.args.get("page"), 0, maximum=999_999)


@bp.route("/public/")
def lists_page():
    """The current published lists: search by Chinese substring, filter by department/group."""
    return _lists(_publication())


@bp.route("/public/versions/<int:number>/")
def version_page(number):
    return _lists(_publication(number), with_changes=True)


def _lists(pub, with_changes=False):
    session = db.session
    if pub is None:
        return render_template("public/lists.html", pub=None, **_context())
    dept = request.args.get("dept", "")
    group = request.args.get("group", "")
    rows, total = publication.search(
        session,
        pub,
        request.args.get("q"),
        bounded_int(dept),
        group if group in USER_GROUP else None,
        _page(),
    )
    latest = publication.latest(session)
    return render_template(
        "public/lists.html",
        pub=pub,
        rows=[json.loads(r.data) for r in rows],
        total=total,
        page=_page(),
        page_size=publication.PAGE_SIZE,
        is_latest=latest.id == pub.id,
        departments=publication.departments_of(session, pub),
        changes=json.loads(pub.changes) if with_changes else None,
        window_open=latest.id == pub.id and publication.window_open(pub),
        comments=publication.comments(session, pub) if latest.id == pub.id else [],
        **_context(),
    )


@bp.route("/public/versions/")
def versions_page():
    pubs = publication.all_publications(db.session)
    return render_template(
        "public/versions.html",
        pubs=pubs,
        changes={p.id: json.loads(p.changes) for p in pubs},
        **_context(),
    )


@bp.route("/public/versions/<int:number>/<kind>.xlsx")
def download(number, kind):
    from app.reports.lists_xlsx import list_workbook

    if kind not in lists.LIST_KINDS:
        abort(404)
    pub = _publication(number)
    data = list_workbook(
        kind,
        publication.items_of(db.session, pub),
        pub.published_at,
        _("{title}（第 {n} 版）").format(title=lists.list_titles()[kind], n=pub.number),
    )
    response = Response(
        data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response.headers["Content-Disposition"] = f"attachment; filename=list-{kind}-v{pub.number}.xlsx"
    return response


@bp.route("/public/items/<code>")
def item_page(code):
    """An item's public sheet (six modules and flowchart) in the current publication."""
    pub = _publication(bounded_int(request.args.get("v")))
    if pub is None:
        abort(404)
    try:
        item = publication.item_of(db.session, pub, code)
    except NotFoundError:
        abort(404)
    latest = publication.latest(db.session)
    return render_template(
        "public/item.html",
        pub=pub,
        item=item,
        window_open=latest.id == pub.id and publication.window_open(pub),
        comments=publication.comments(db.session, pub, item_code=code),
        **_context(),
    )


@bp.route("/public/versions/<int:number>/items/<code>/flowchart.<fmt>")
def item_flowchart(number, code, fmt):
    from app.reports.flowchart import flowchart

    if fmt not in ("svg", "png"):
        abort(404)
    try:
        item = publication.item_of(db.session, _publication(number), code)
    except NotFoundError:
        abort(404)
    response = Response(
        flowchart(item["nodes"], fmt), mimetype="image/svg+xml" if fmt == "svg" else "image/png"
    )
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.route("/public/comment", methods=["POST"])
def comment():
    """A comment on the latest publication's lists or one of its items (rate-limited per IP)."""
    item_code = request.form.get("item_code") or None
    back = (
        url_for("public.item_page", code=item_code) if item_code else url_for("public.lists_page")
    )
    if not throttle.hit("comment"):
        return render_template(
            "public/message.html", message=_("提交过于频繁，请稍后再试。"), back=back, **_context()
        ), 429
    with one_transaction(_("意见已提交，感谢您的参与。")):
        publication.add_comment(
            db.session,
            publication.latest(db.session),
            request.form.get("body"),
            item_code,
            request.form.get("list_kind"),
        )
    return redirect(back)


@bp.route("/verify")
def verify():
    """Check a printed verification code: valid, superseded by version N, or invalid."""
    code = (request.args.get("code") or "").strip()
    if not code:
        return render_template("public/verify.html", result=None, code="", **_context())
    if not throttle.hit("verify"):
        return render_template(
            "public/verify.html", result={"status": "throttled"}, code=code[:64], **_context()
        ), 429
    result = verification.check(db.session, code[:64])
    return render_template(
        "public/verify.html",
        result=result,
        code=code[:64],
        grouped=verification.grouped,
        **_context(),
    )
