"""The audit log (审计日志): read-only for the IT administrator; nobody edits or deletes it."""

from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l

from app.models import AuditEntry
from app.models.choices import AUDIT_ACTION

from .base import ConsoleModelView


class AuditEntryView(ConsoleModelView):
    datamodel = SQLAInterface(AuditEntry)
    base_permissions = ["can_list", "can_show"]
    list_title = show_title = _l("审计日志")
    choice_columns = {"action": AUDIT_ACTION}
    label_columns = {
        "seq": _l("序号"),
        "at": _l("时间（UTC）"),
        "username": _l("用户"),
        "ip": _l("IP 地址"),
        "action": _l("操作"),
        "record_type": _l("记录类型"),
        "record_id": _l("记录编号"),
        "summary": _l("摘要"),
        "changes": _l("变更内容"),
        "prev_hash": _l("前一条摘要"),
        "hash": _l("本条摘要"),
        "department_id": _l("部门编号"),
    }
    list_columns = ["seq", "at", "username", "ip", "action", "record_type", "record_id", "summary"]
    show_columns = [
        "seq",
        "at",
        "username",
        "ip",
        "action",
        "record_type",
        "record_id",
        "department_id",
        "summary",
        "changes",
        "prev_hash",
        "hash",
    ]
    search_columns = ["username", "ip", "action", "record_type", "record_id", "at"]
    base_order = ("seq", "desc")
