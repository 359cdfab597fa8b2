"""Departments (单位/部门), kept by the IT office."""

from flask_babel import lazy_gettext as _l

from app.models import Department

from .base import ConsoleInterface, ConsoleModelView
from .contact import ContactView
from .information_system import InformationSystemView
from .service_item import ServiceItemView


class DepartmentView(ConsoleModelView):
    """A department's page lists its contacts, service items and systems (each within the
    reader's scope, as on their own lists)."""

    datamodel = ConsoleInterface(Department)
    related_views = [ContactView, ServiceItemView, InformationSystemView]
    show_template = "appbuilder/general/model/show_cascade.html"
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
