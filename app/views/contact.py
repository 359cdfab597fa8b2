"""Contacts (联系人, attachment 1)."""

from flask_babel import lazy_gettext as _l

from app.models import Contact
from app.models.choices import WORKFLOW_STATUS
from app.security.filters import DEPARTMENT_CHOICES, SCOPED

from .base import ConsoleInterface, ConsoleModelView
from .workflow import ReviewableMixin


class ContactView(ReviewableMixin, ConsoleModelView):
    datamodel = ConsoleInterface(Contact)
    base_filters = SCOPED
    add_form_query_rel_fields = edit_form_query_rel_fields = DEPARTMENT_CHOICES
    list_title = _l("联系人列表")
    show_title = _l("联系人详情")
    add_title = _l("新增联系人")
    edit_title = _l("编辑联系人")
    choice_columns = {"status": WORKFLOW_STATUS}
    label_columns = {
        "name": _l("姓名"),
        "staff_no": _l("工号"),
        "post": _l("职务/岗位"),
        "phone": _l("联系电话"),
        "email": _l("电子邮箱"),
        "knows_processes": _l("熟悉本部门业务流程"),
        "administers_systems": _l("担任管理系统实际管理员"),
    }
    description_columns = {
        "knows_processes": _l("联系人需熟悉本部门线上业务流程；无法兼任时可报送两名联系人。"),
        "administers_systems": _l("联系人需担任本部门管理信息系统的实际管理员。"),
    }
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
