"""统计分析: the dashboard page, its chart images (PNG, SVG) and the XLSX of each figure.

Thin: the figures, their department scope and their cache live in app.services.dashboard.
Every endpoint is a GET guarded by the single `can_read` permission of this view.
"""

from flask import abort, g, redirect, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _

from app.extensions import db
from app.services.campaign import cards
from app.services.errors import NotFoundError
from app.services.insight import figures
from app.services.insight.dashboard import Dashboard
from app.services.trail import audit

from .download import send_download, send_image
from .transaction import transactional


class StatisticsView(BaseView):
    """The leaders' dashboard; a department contact sees their own department only."""

    route_base = "/statistics"
    default_view = "index"
    method_permission_name = {"index": "read", "chart": "read", "download": "read"}

    @expose("/")
    @has_access
    def index(self):
        dashboard = Dashboard(db.session, g.user)
        tables = [
            (figure, caption, rows, figures.reading(figure, rows), note)
            for figure, caption, rows, note in dashboard.tables()
        ]
        return self.render_template(
            "statistics/dashboard.html",
            cards=cards.cards(db.session, g.user),
            figures=tables,
            version=dashboard.version,
            scoped=dashboard.scope,
            title=_("统计分析"),
        )

    @expose("/chart/<name>.<fmt>")
    @has_access
    def chart(self, name, fmt):
        try:
            data = Dashboard(db.session, g.user).image(name, fmt)
        except NotFoundError:
            abort(404)
        return send_image(data, fmt, "private, no-cache")

    @expose("/data/<name>.xlsx")
    @has_access
    @transactional(refused=lambda *args: redirect(url_for("StatisticsView.index")))
    def download(self, name):
        data = Dashboard(db.session, g.user).xlsx(name)  # NotFoundError: 404
        audit.record_event(db.session, "export", summary=_("导出统计：{name}").format(name=name))
        return send_download(data, f"{name}.xlsx", cache_control="private, no-store")
