"""The official calendar under 基础设置: the days the IT office entered over the library's,
a year's bulk entry, and a warning for the years nobody knows the holidays of yet."""

from datetime import date

from flask import flash, g, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import CalendarDay
from app.services.calendar import days, entry
from app.services.errors import DomainError

from .base import ConsoleInterface, ConsoleModelView
from .transaction import one_transaction


def unregistered_warnings(today: date | None = None) -> list[str]:
    """One warning for this year and next year when their holidays are unknown."""
    today = today or date.today()
    calendar = days.load(db.session)
    return [
        _(
            "{year} 年的法定节假日尚未登记：该年按周一至周五计算工作日，"
            "请批量录入该年的放假和调休上班日期。"
        ).format(year=year)
        for year in calendar.missing_years((today.year, today.year + 1))
    ]


class CalendarDayView(ConsoleModelView):
    """Days off and 调休 working days the office entered; they win over the library."""

    datamodel = ConsoleInterface(CalendarDay)
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_delete", "can_enter"]
    list_title = _l("法定节假日与调休")
    show_title = _l("日期详情")
    add_title = _l("登记日期")
    edit_title = _l("编辑日期")
    list_template = "calendar/list.html"
    list_columns = ["day", "kind", "name", "created_by", "updated_at"]
    add_columns = ["day", "kind", "name"]
    edit_columns = ["day", "kind", "name"]
    show_columns = ["day", "kind", "name", "created_by", "created_at", "updated_by", "updated_at"]
    search_columns = ["day", "kind", "name"]
    base_order = ("day", "desc")

    def list_extra(self):
        return {
            "calendar_warnings": unregistered_warnings(),
            "library_years": (min(days.LIBRARY_YEARS), max(days.LIBRARY_YEARS)),
            "next_year": date.today().year + 1,
        }

    def render_template(self, template, **kwargs):
        if template == self.list_template:
            kwargs.update(self.list_extra())
        return super().render_template(template, **kwargs)

    @expose("/enter", methods=["POST"])
    @has_access
    def enter(self):
        """批量录入: a year's days off and 调休 working days at once (replacing that year's)."""
        try:
            year = int(request.form.get("year", ""))
        except ValueError:
            year = 0
        with one_transaction() as outcome:
            if not year:
                raise DomainError(_("请填写正确的年份。"))
            rows = entry.enter_year(
                db.session,
                g.user,
                year,
                request.form.get("holidays", ""),
                request.form.get("workdays", ""),
            )
        if outcome.ok:
            flash(_("已录入 {year} 年的 {n} 个日期。").format(year=year, n=len(rows)), "success")
        return redirect(url_for("CalendarDayView.list"))
