"""The security administrator's page of API tokens: create (the secret shown once), revoke.

Personal tokens act for one person; a service account's token acts for the account made for a
system (the portal, the college's hall). Rules live in `app.services.access.tokens`.
"""

from flask import g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.models import ConsoleUser
from app.models.choices import TOKEN_KIND
from app.services.access import tokens

from .params import bounded_int
from .transaction import one_transaction


class ApiTokenView(BaseView):
    route_base = "/apitokens"
    default_view = "index"

    def _page(self, secret=None, created=None):
        session = db.session
        users = session.scalars(
            select(ConsoleUser).where(ConsoleUser.active.is_(True)).order_by(ConsoleUser.username)
        ).all()
        return self.render_template(
            "security/api_tokens.html",
            title=_("接口令牌"),
            tokens=tokens.all_tokens(session),
            users=users,
            scopes=tokens.SCOPES,
            kinds=TOKEN_KIND,
            secret=secret,
            created=created,
        )

    @expose("/")
    @has_access
    def index(self):
        return self._page()

    @expose("/create", methods=["POST"])
    @has_access
    def create(self):
        form = request.form
        user = db.session.get(ConsoleUser, bounded_int(form.get("user_id"), 0))
        days = form.get("days", "").strip()
        made = {}
        with one_transaction(_("令牌已创建：请立即复制，离开本页后无法再次查看。")) as outcome:
            made["token"], made["secret"] = tokens.create(
                db.session,
                g.user,
                user,
                form.get("name", ""),
                form.get("kind", ""),
                form.getlist("scopes"),
                bounded_int(days, -1) if days else None,
            )
        if not outcome.ok:
            return redirect(url_for("ApiTokenView.index"))
        # The secret is shown in this answer only (never stored, never in a redirect).
        page = self._page(secret=made["secret"], created=made["token"])
        return page, 200, {"Cache-Control": "no-store"}

    @expose("/revoke/<int:pk>", methods=["POST"])
    @has_access
    def revoke(self, pk):
        with one_transaction(_("令牌已吊销。")):
            tokens.revoke(db.session, g.user, pk)
        return redirect(url_for("ApiTokenView.index"))
