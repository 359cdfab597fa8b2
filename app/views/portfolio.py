"""系统画像与诊断: every system's cost, fit and recommendation, and the findings to fix."""

from flask import g
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _

from app.extensions import db
from app.models.choices import RECOMMENDATION
from app.services.access import permissions
from app.services.insight import fitness, portfolio


class PortfolioView(BaseView):
    """One read-only page; opening a task from it posts to LedgerView."""

    route_base = "/portfolio"
    default_view = "index"
    method_permission_name = {"index": "read"}

    @expose("/")
    @has_access
    def index(self):
        data = portfolio.page_report(db.session, g.user)
        titles = {
            "idle_system": _("未承载任何服务事项的系统"),
            "good_no_portal": _("运行良好但承载系统未集成融合门户的事项"),
            "good_no_host": _("运行良好但未登记承载系统的事项"),
            "improve_no_plan": _("待改进但无处置计划的事项"),
        }
        return self.render_template(
            "portfolio/index.html",
            title=_("系统画像与诊断"),
            systems=data["systems"],
            systems_total=data["systems_total"],
            summary=data["summary"],
            recommendations=RECOMMENDATION,
            findings=data["findings"],
            totals=data["totals"],
            titles=titles,
            kinds=portfolio.FINDING_KINDS,
            can_open=permissions.can(g.user, "keep_ledger"),
            threshold=fitness.FIT_THRESHOLD,
            years=fitness.AMORTISATION_YEARS,
        )
