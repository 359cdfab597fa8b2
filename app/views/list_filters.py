"""The filters a reviewer and a leader reach for above a record list: department, lifecycle
and 待我处理 ("waiting for me"), as plain links of FAB's own `_flt_<n>_<column>` arguments,
so a filtered list can be bookmarked and paged like any other.

A choice column is searched by equality only (its code, chosen from its labels), so its
filters are [等于, 不等于] and, on `status`, 待我处理 third: `_flt_0_lifecycle=online`,
`_flt_2_status=1`.
"""

from flask import g, request
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.filters import FilterEqual, FilterNotEqual
from flask_babel import lazy_gettext as _l
from sqlalchemy import false

from app.extensions import db
from app.models import Department, labels
from app.services.access import permissions

from .params import bounded_int

WAITING_INDEX = 2
DEPARTMENT_ARG = "_flt_0_department"


class FilterWaitingForMe(BaseFilter):
    """Records that wait for the signed-in user: submitted ones for a reviewer, drafts and
    returned ones of the department for a department contact."""

    name = _l("待我处理")
    arg_name = "wfm"

    def apply(self, query, value):
        if not value or value in ("0", ["0"]):
            return query
        statuses = waiting_statuses(g.user)
        column = getattr(self.model, self.column_name)
        return query.filter(column.in_(statuses)) if statuses else query.filter(false())


def waiting_statuses(user) -> list[str]:
    statuses = []
    if permissions.can(user, "approve"):
        statuses.append("submitted")
    if permissions.can(user, "submit"):
        statuses += ["draft", "returned"]
    return statuses


def choice_filters(view) -> None:
    """Equality filters on the view's searchable choice columns, 待我处理 on `status`."""
    model = view.datamodel.obj
    filters = view._filters
    for column in labels.choices(model):
        if column not in filters.get_search_filters():
            continue
        own = [FilterEqual(column, view.datamodel), FilterNotEqual(column, view.datamodel)]
        if column == "status":
            own.append(FilterWaitingForMe(column, view.datamodel))
        filters._search_filters[column] = own
        filters._all_filters[column] = own


class QuickFilterMixin:
    """A list with the quick filter bar (templates/console/quick_filters.html)."""

    list_template = "console/list.html"
    quick_filters: tuple = ("department", "waiting")

    def _get_list_widget(self, filters, *args, **kwargs):
        # The department is no search column (its form would load every department), so FAB
        # drops `_flt_0_department`: apply it here, within the view's scope as always.
        department = bounded_int(request.args.get(DEPARTMENT_ARG))
        if "department" in self.quick_filters and department is not None:
            filters.add_filter_index("department", 0, department)
        return super()._get_list_widget(filters, *args, **kwargs)

    def render_template(self, template, **kwargs):
        if template == self.list_template:
            kwargs["quick_bar"] = self.quick_bar()
        return super().render_template(template, **kwargs)

    def quick_bar(self) -> dict:
        """What the bar offers and what is chosen now."""
        bar = {"endpoint": f"{self.endpoint}.list", "selects": [], "waiting": None}
        reach = permissions.department_reach(g.user)
        if "department" in self.quick_filters and reach is None:
            options = db.session.query(Department.id, Department.name).order_by(
                Department.sort_order, Department.code
            )
            bar["selects"].append(
                _select(DEPARTMENT_ARG, _l("所属部门"), [(str(i), n) for i, n in options])
            )
        for column in self.quick_filters:
            found = labels.choices(self.datamodel.obj).get(column)
            if found:
                options = [(code, str(label)) for code, label in found[0].pairs]
                name = f"_flt_0_{column}"
                bar["selects"].append(
                    _select(name, labels.label(self.datamodel.obj, column), options)
                )
        if "waiting" in self.quick_filters and waiting_statuses(g.user):
            name = f"_flt_{WAITING_INDEX}_status"
            bar["waiting"] = {"name": name, "on": request.args.get(name) == "1"}
        return bar


def _select(name, label, options):
    return {"name": name, "label": label, "options": options, "value": request.args.get(name, "")}
