"""The reviewer's publication pages: publish the three lists (signed), versions with their
diffs and XLSX files, the current lists (department-scoped), and public comments to answer."""

import json

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _

from app.extensions import db
from app.models import Department
from app.services.access import permissions
from app.services.errors import NotFoundError
from app.services.publish import comments, lists, publication

from .download import send_download, send_published_list
from .paging import PAGE_SIZE, page_of, requested_page
from .params import bounded_int
from .transaction import one_transaction


class PublicationView(BaseView):
    """清单发布: thin endpoints over app.services.publication."""

    route_base = "/publication"
    default_view = "index"
    method_permission_name = {
        "index": "read",
        "detail": "read",
        "download": "read",
        "current": "read",
        "publish": "publish",
        "comments": "comments",
        "reply": "comments",
        "open_task": "comments",
        "hide": "comments",
        "unhide": "comments",
    }

    def _get(self, number):
        try:
            return publication.get(db.session, number)
        except NotFoundError:
            abort(404)

    @expose("/")
    @has_access
    def index(self):
        session = db.session
        can_publish = permissions.can(g.user, "publish")
        pending = None
        if can_publish:  # every department's items: only for those who publish
            pending = publication.pending_changes(session)
        return self.render_template(
            "publication/index.html",
            pubs=publication.all_publications(session),
            pending=pending,
            list_titles=lists.list_titles(),
            can_publish=can_publish,
            title=_("清单发布"),
        )

    @expose("/publish", methods=["POST"])
    @has_access
    def publish(self):
        form = request.form
        with one_transaction() as outcome:
            pub = publication.publish(
                db.session,
                g.user,
                form.get("password", ""),
                form.get("publicity_start"),
                form.get("publicity_end"),
                form.get("note"),
            )
        if not outcome.ok:
            return redirect(url_for("PublicationView.index"))
        flash(_("已发布清单第 {n} 版。").format(n=pub.number), "success")
        return redirect(url_for("PublicationView.detail", number=pub.number))

    @expose("/<int:number>/")
    @has_access
    def detail(self, number):
        pub = self._get(number)
        return self.render_template(
            "publication/detail.html",
            pub=pub,
            changes=json.loads(pub.changes),
            list_titles=lists.list_titles(),
            title=_("清单第 {n} 版").format(n=number),
        )

    @expose("/<int:number>/<kind>.xlsx")
    @has_access
    def download(self, number, kind):
        return send_published_list(self._get(number), kind)

    @expose("/current/<kind>.xlsx")
    @has_access
    def current(self, kind):
        """The lists as they would be published now, within the user's department scope."""
        from app.reports.lists_xlsx import list_workbook

        if kind not in lists.LIST_KINDS:
            abort(404)
        data = list_workbook(kind, lists.current_items(db.session, g.user))
        return send_download(data, f"list-{kind}-current.xlsx")

    @expose("/comments/")
    @has_access
    def comments(self):
        session = db.session
        state = request.args.get("state")
        state = state if state in comments.MODERATION_STATES else None
        text = request.args.get("q", "")[:100]
        rows, total = comments.moderation(session, state, text, requested_page(), PAGE_SIZE)
        page = page_of(list(rows), total)
        return self.render_template(
            "publication/comments.html",
            comments=page.rows,
            page=page,
            state=state,
            q=text,
            list_titles=lists.list_titles(),
            departments=session.query(Department)
            .order_by(Department.sort_order, Department.name)
            .all(),
            title=_("公示意见"),
        )

    @expose("/comments/<int:comment_id>/reply", methods=["POST"])
    @has_access
    def reply(self, comment_id):
        return self._comment_action(
            comments.reply, comment_id, _("答复已公开。"), text=request.form.get("reply", "")
        )

    @expose("/comments/<int:comment_id>/task", methods=["POST"])
    @has_access
    def open_task(self, comment_id):
        dept = request.form.get("department_id", "")
        return self._comment_action(
            comments.open_task,
            comment_id,
            _("已生成整改任务。"),
            department_id=bounded_int(dept),
        )

    @expose("/comments/<int:comment_id>/hide", methods=["POST"])
    @has_access
    def hide(self, comment_id):
        return self._comment_action(
            comments.hide_comment,
            comment_id,
            _("意见已隐藏，公示页面显示“该意见已被隐藏”。"),
            reason=request.form.get("reason", ""),
        )

    @expose("/comments/<int:comment_id>/unhide", methods=["POST"])
    @has_access
    def unhide(self, comment_id):
        return self._comment_action(comments.unhide_comment, comment_id, _("意见已恢复公开。"))

    def _comment_action(self, func, comment_id, success, **kwargs):
        with one_transaction(success):
            func(db.session, comment_id, g.user, **kwargs)
        return redirect(url_for("PublicationView.comments") + f"#comment-{comment_id}")
