"""Public pages, no login (公众): the published lists, item sheets, versions and diffs,
comments during the publicity window, and the /verify page for printed codes.

A plain blueprint outside FAB's permission model: every page reads only published rows
(`PublicationItem`) or a verified print, so there is nothing unapproved to protect here. Rules
live in app.services.publish.publication and app.services.publish.verification; limits are
Flask-Limiter's (`@limit`, values from config.py), attached in `register_public`.
"""

import json

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_appbuilder.security.decorators import limit
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models.choices import ITEM_KIND, MATERIAL_FORM, NODE_KIND, USER_GROUP
from app.services.errors import NotFoundError
from app.services.publish import comments, final_review, lists, publication, verification

from . import errors
from .download import IMAGE_MIMETYPES, send_image, send_published_list
from .params import bounded_int
from .transaction import one_transaction

bp = Blueprint("public", __name__)


def _configured(name):
    """The limit named `name` in the configuration (e.g. COMMENT_RATE_LIMIT), read per request."""
    return lambda: current_app.config.get(name) or ""


def _unset(name):
    """Exempt every request while the limit is unset (an empty setting turns it off)."""
    return lambda: not current_app.config.get(name)


def install_limits(app, limiter):
    """Apply the limits the public routes declare (FAB's `@limit` marks them) with FAB's
    Flask-Limiter, as FAB does for its own views once they are registered."""
    for endpoint, view in list(app.view_functions.items()):
        declared = getattr(view, "_limit", None)
        if declared is None or not endpoint.startswith(bp.name + "."):
            continue
        app.view_functions[endpoint] = limiter.limit(
            declared.limit_value,
            methods=declared.methods,
            error_message=declared.error_message,
            exempt_when=declared.exempt_when,
            override_defaults=declared.override_defaults,
        )(view)


@bp.errorhandler(429)
def _too_many(error):
    """A refused comment or look-up: the page it came from, with the reason, answering 429."""
    if errors.wants_json() or request.endpoint not in ("public.comment", "public.verify"):
        return errors.too_many_requests(error)
    if request.endpoint == "public.verify":
        code = (request.args.get("code") or "").strip()[:64]
        page = render_template(
            "public/verify.html", result={"status": "throttled"}, code=code, **_context()
        )
    else:
        page = render_template(
            "public/message.html", message=error.description, back=_comment_back(), **_context()
        )
    return page, 429


def _context(**values):
    return dict(
        labels={"kind": ITEM_KIND, "form": MATERIAL_FORM, "node": NODE_KIND, "group": USER_GROUP},
        list_titles=lists.list_titles(),
        **values,
    )


def _publication(number=None):
    """The publication `number`; without one the standing 定稿 (else the latest)."""
    session = db.session
    try:
        return (
            publication.get(session, number)
            if number
            else final_review.default_publication(session)
        )
    except NotFoundError:
        abort(404)


def _page():
    return bounded_int(request.args.get("page"), 0, maximum=999_999)


@bp.route("/public/")
def lists_page():
    """The standing lists (the 定稿 once approved, else the latest publication): search by
    Chinese substring, filter by department/group."""
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
        window_open=latest.id == pub.id and comments.window_open(pub),
        comments=comments.of(session, pub) if latest.id == pub.id else [],
        final=final_review.status_of(session, pub),
        latest=latest,
        revisions=_revisions(session, pub),
        revision_open=latest.id != pub.id and comments.window_open(latest),
        **_context(),
    )


def _revisions(session, pub):
    """The revisions published after `pub` when it is the standing 定稿, else []."""
    final = final_review.standing(session)
    if final is None or final.publication_id != pub.id:
        return []
    return final_review.revisions(session, final)


@bp.route("/public/versions/")
def versions_page():
    pubs = publication.all_publications(db.session)
    return render_template(
        "public/versions.html",
        pubs=pubs,
        changes={p.id: json.loads(p.changes) for p in pubs},
        final=final_review.statuses(db.session, pubs),
        standing=final_review.standing(db.session),
        **_context(),
    )


@bp.route("/public/versions/<int:number>/<kind>.xlsx")
def download(number, kind):
    return send_published_list(_publication(number), kind)


@bp.route("/public/items/<code>")
def item_page(code):
    """An item's public sheet (six modules and flowchart) in the current publication."""
    number = bounded_int(request.args.get("v"))
    pub = _publication(number)
    if pub is None:
        abort(404)
    latest = publication.latest(db.session)
    try:
        item = publication.item_of(db.session, pub, code)
    except NotFoundError:
        if number or pub.id == latest.id:
            abort(404)
        pub = latest  # an item a revision added after the 定稿: its latest sheet
        try:
            item = publication.item_of(db.session, pub, code)
        except NotFoundError:
            abort(404)
    return render_template(
        "public/item.html",
        pub=pub,
        item=item,
        final=final_review.status_of(db.session, pub),
        latest=latest,
        window_open=latest.id == pub.id and comments.window_open(pub),
        comments=comments.of(db.session, pub, item_code=code),
        **_context(),
    )


@bp.route("/public/versions/<int:number>/items/<code>/flowchart.<fmt>")
def item_flowchart(number, code, fmt):
    from app.reports.flowchart import flowchart

    if fmt not in IMAGE_MIMETYPES:
        abort(404)
    try:
        item = publication.item_of(db.session, _publication(number), code)
    except NotFoundError:
        abort(404)
    return send_image(flowchart(item["nodes"], fmt), fmt, "public, max-age=86400")


def _comment_back():
    item_code = request.form.get("item_code") or None
    if item_code:
        return url_for("public.item_page", code=item_code)
    return url_for("public.lists_page")


@bp.route("/public/comment", methods=["POST"])
@limit(
    _configured("COMMENT_RATE_LIMIT"),
    exempt_when=_unset("COMMENT_RATE_LIMIT"),
    error_message=_l("提交过于频繁，请稍后再试。"),
)
def comment():
    """A comment on the latest publication's lists or one of its items (rate-limited per IP)."""
    item_code = request.form.get("item_code") or None
    back = _comment_back()
    with one_transaction(_("意见已提交，感谢您的参与。")):
        comments.add_comment(
            db.session,
            publication.latest(db.session),
            request.form.get("body"),
            item_code,
            request.form.get("list_kind"),
        )
    return redirect(back)


def _no_code():
    """The empty form is not a look-up: it is never counted."""
    return not (request.args.get("code") or "").strip()


@bp.route("/verify")
@limit(
    _configured("VERIFY_RATE_LIMIT"),
    exempt_when=lambda: _no_code() or _unset("VERIFY_RATE_LIMIT")(),
    error_message=_l("核验过于频繁，请稍后再试。"),
)
def verify():
    """Check a printed verification code: valid, superseded by version N, or invalid
    (look-ups rate-limited per IP)."""
    code = (request.args.get("code") or "").strip()
    if not code:
        return render_template("public/verify.html", result=None, code="", **_context())
    result = verification.check(db.session, code[:64])
    return render_template(
        "public/verify.html",
        result=result,
        code=code[:64],
        grouped=verification.grouped,
        **_context(),
    )
