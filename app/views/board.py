"""The campaign board (工作进度看板) and its reminders; the rules live in app.services.board."""

from datetime import date

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _

from app.extensions import db
from app.models.choices import PHASE_KIND
from app.services.access import permissions
from app.services.campaign import board, reminders

from .params import bounded_int
from .transaction import one_transaction


def requested_day():
    """?date=YYYY-MM-DD lets the office look at the board as of another day; default today."""
    value = request.values.get("date")
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        abort(400)


class BoardView(BaseView):
    """Every department's completeness score and state; a contact sees their own row only."""

    route_base = "/board"
    default_view = "index"
    method_permission_name = {"index": "read", "remind": "remind"}

    @expose("/")
    @has_access
    def index(self):
        brd = board.build(db.session, requested_day(), user=g.user)
        return self.render_template(
            "board/board.html",
            board=brd,
            rule_labels=board.RULE_LABELS,
            rules=board.RULES,
            phase_labels=PHASE_KIND,
            title=_("工作进度看板"),
            can_remind=permissions.can(g.user, "remind"),
            day_param=request.args.get("date", ""),
            hall_columns=board.HALL_COLUMNS,
            hall_overdue=board.HALL_OVERDUE,
            hall_due_days=current_app.config.get("REVIEW_DUE_WORKING_DAYS", 5),
        )

    @expose("/remind", methods=["POST"])
    @has_access
    def remind(self):
        brd = board.build(db.session, requested_day(), user=g.user)
        wanted = {bounded_int(v) for v in request.form.getlist("department_id")} - {None}
        rows = (
            [row for row in brd.rows if row.department.id in wanted]
            if wanted
            else reminders.lagging_rows(brd)
        )
        if not rows:
            flash(_("没有需要提醒的部门。"), "info")
            return redirect(url_for("BoardView.index"))
        with one_transaction() as outcome:
            result = reminders.send_reminders(db.session, brd, rows, sender=g.user)
        if not outcome.ok:
            return redirect(url_for("BoardView.index"))
        flash(result.summary(), "warning" if result.error or result.failed else "success")
        return redirect(url_for("BoardView.index", date=request.form.get("date") or None))
