"""The yearly assessment (年度考核): the ranked table and its XLSX export."""

from datetime import date

from flask import abort, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _

from app.extensions import db
from app.reports.tables import assessment_workbook
from app.services.campaign import assessment
from app.services.trail import audit

from .download import send_download
from .params import bounded_int
from .transaction import transactional


def requested_year():
    value = request.args.get("year", "")
    if not value:
        return date.today().year
    year = bounded_int(value, minimum=2000, maximum=2100)
    if year is None:
        abort(400)
    return year


class AssessmentView(BaseView):
    """Per-department figures of one year, ranked (rules: services.campaign.assessment)."""

    route_base = "/assessment"
    default_view = "index"
    method_permission_name = {"index": "read", "export": "read"}

    @expose("/")
    @has_access
    def index(self):
        year = requested_year()
        rows = assessment.assess(db.session, year, user=g.user)
        return self.render_template(
            "board/assessment.html",
            rows=rows,
            year=year,
            columns=assessment.COLUMNS,
            deadline=assessment.submission_deadline(db.session, year),
            title=_("年度考核评价"),
        )

    @expose("/export.xlsx")
    @has_access
    @transactional(refused=lambda *args: redirect(url_for("AssessmentView.index")))
    def export(self):
        year = requested_year()
        rows = assessment.assess(db.session, year, user=g.user)
        content = assessment_workbook(assessment.COLUMNS, rows, year)
        audit.record_event(
            db.session,
            "export",
            record_type="assessment",
            summary=_("导出 {year} 年度考核评价").format(year=year),
        )
        return send_download(content, f"assessment-{year}.xlsx", cache_control="no-store")
