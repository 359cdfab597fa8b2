"""Departments (单位/部门), kept by the IT office."""

from flask_babel import lazy_gettext as _l

from app.models import Department

from .base import ConsoleInterface, ConsoleModelView


class DepartmentView(ConsoleModelView):
    datamodel = ConsoleInterface(Department)
    list_title = _l("部门列表")
    show_title = _l("部门详情")
    add_title = _l("新增部门")
    edit_title = _l("编辑部门")
    list_columns = ["code", "name", "kind", "leader_in_charge", "phone"]
    show_columns = [
        "code",
        "name",
        "kind",
        "leader_in_charge",
        "phone",
        "sort_order",
        "created_at",
        "updated_at",
    ]
    add_columns = edit_columns = ["code", "name", "kind", "leader_in_charge", "phone", "sort_order"]
    search_columns = ["code", "name", "kind", "leader_in_charge"]
    base_order = ("sort_order", "asc")
