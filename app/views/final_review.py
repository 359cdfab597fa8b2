"""The 校长办公会's final review of the lists and the ledger: thin endpoints over
app.services.publish.final_review."""

from datetime import date

from flask import abort, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _

from app.extensions import db
from app.models import FinalReview
from app.services.access import permissions
from app.services.publish import final_review, publication

from .download import send_download
from .transaction import one_transaction


def _attachment():
    upload = request.files.get("attachment")
    data = upload.read() if upload and upload.filename else None
    if not data:
        return None
    return upload.filename, upload.mimetype or "application/octet-stream", data


def _day(text):
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return None


class FinalReviewView(BaseView):
    """校长办公会审议: submit the finished lists with the ledger, record the decision."""

    route_base = "/final-review"
    default_view = "index"
    method_permission_name = {
        "index": "read",
        "attachment": "read",
        "submit": "submit",
        "decide": "decide",
    }

    @expose("/")
    @has_access
    def index(self):
        session = db.session
        return self.render_template(
            "publication/final_review.html",
            title=_("校长办公会审议"),
            reviews=final_review.reviews(session),
            pending=final_review.pending(session),
            standing=final_review.standing(session),
            latest=publication.latest(session),
            can_submit=permissions.can(g.user, "submit_final_review"),
            can_decide=permissions.can(g.user, "record_final_decision"),
        )

    @expose("/submit", methods=["POST"])
    @has_access
    def submit(self):
        with one_transaction(_("已提交校长办公会审议。")):
            final_review.submit(db.session, g.user, request.form.get("note", ""))
        return redirect(url_for("FinalReviewView.index"))

    @expose("/<int:review_id>/decide", methods=["POST"])
    @has_access
    def decide(self, review_id):
        review = db.session.get(FinalReview, review_id) or abort(404)
        decision = request.form.get("decision", "")
        done = _("已记录审议结果：通过，清单成为定稿。") if decision == "approved" else None
        with one_transaction(done or _("已记录审议结果：退回。")):
            final_review.decide(
                db.session,
                review,
                g.user,
                decision,
                _day(request.form.get("meeting_date")),
                request.form.get("minute_no", ""),
                _attachment(),
                request.form.get("comment", ""),
            )
        return redirect(url_for("FinalReviewView.index"))

    @expose("/<int:review_id>/attachment")
    @has_access
    def attachment(self, review_id):
        review = db.session.get(FinalReview, review_id) or abort(404)
        if review.attachment is None:
            abort(404)
        return send_download(review.attachment, review.attachment_name, review.attachment_type)
