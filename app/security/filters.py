"""FAB filters that apply the department scope (app.services.access.scope) to queries and dropdowns.

Used as `base_filters` on list/show/edit/delete and as `*_form_query_rel_fields` on forms; the
rule itself lives in the service, so commands and exports apply the same one without a request.
"""

from flask import g
from flask_appbuilder.models.filters import BaseFilter

from app.services.access import scope


class DepartmentScopeFilter(BaseFilter):
    """Rows of the view's model that the current user may see."""

    name = "department scope"
    arg_name = "dscope"

    def apply(self, query, value):
        return scope.apply_scope(query, self.model, g.user)


class DepartmentChoiceFilter(BaseFilter):
    """Departments the current user may put a record into."""

    name = "department choices"
    arg_name = "dchoice"

    def apply(self, query, value):
        return scope.department_choices(g.user, query)


class HostingSystemChoiceFilter(BaseFilter):
    """Systems the current user may name as a service item's host."""

    name = "hosting system choices"
    arg_name = "hchoice"

    def apply(self, query, value):
        return scope.hosting_system_choices(g.user, query)


SCOPED = [["id", DepartmentScopeFilter, lambda: None]]
DEPARTMENT_CHOICES = {"department": [["id", DepartmentChoiceFilter, lambda: None]]}
