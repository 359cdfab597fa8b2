"""Contacts (联系人, attachment 1)."""

from flask_babel import lazy_gettext as _l

from app.models import Contact
from app.security.filters import DEPARTMENT_CHOICES, SCOPED

from .base import ConsoleInterface, ConsoleModelView
from .list_filters import QuickFilterMixin
from .record_panel import ReviewableMixin


class ContactView(QuickFilterMixin, ReviewableMixin, ConsoleModelView):
    quick_filters = ("department", "waiting")
    datamodel = ConsoleInterface(Contact)
    base_filters = SCOPED
    add_form_query_rel_fields = edit_form_query_rel_fields = DEPARTMENT_CHOICES
    list_title = _l("联系人列表")
    show_title = _l("联系人详情")
    add_title = _l("新增联系人")
    edit_title = _l("编辑联系人")
    list_columns = [
        "department",
        "name",
        "post",
        "phone",
        "knows_processes",
        "administers_systems",
        "status",
    ]
    show_columns = [
        "department",
        "name",
        "staff_no",
        "post",
        "phone",
        "email",
        "knows_processes",
        "administers_systems",
        "status",
        "version",
        "created_by",
        "created_at",
        "updated_by",
        "updated_at",
    ]
    add_columns = edit_columns = [
        "department",
        "name",
        "staff_no",
        "post",
        "phone",
        "email",
        "knows_processes",
        "administers_systems",
    ]
    search_columns = [
        "name",
        "staff_no",
        "phone",
        "status",
        "knows_processes",
        "administers_systems",
    ]
    base_order = ("department_id", "asc")
