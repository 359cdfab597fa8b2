"""The home page: what each role needs first (app.services.campaign.home decides what)."""

from flask import g, url_for
from flask_appbuilder import IndexView, expose

from app.extensions import db
from app.services.campaign import home


def dashboard_url():
    """The leaders' dashboards (统计分析)."""
    return url_for("StatisticsView.index")


class ConsoleIndexView(IndexView):
    index_template = "index.html"

    @expose("/")
    def index(self):
        user = g.user if getattr(g.user, "is_authenticated", False) else None
        sections = home.context(db.session, user) if user is not None else {}
        return self.render_template(
            self.index_template,
            appbuilder=self.appbuilder,
            sections=sections,
            dashboard_url=dashboard_url(),
        )
