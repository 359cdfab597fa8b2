"""The audit log (审计日志): read-only for the IT administrator; nobody edits or deletes it."""

from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l

from app.models import AuditEntry

from .base import ConsoleModelView


class AuditEntryView(ConsoleModelView):
    datamodel = SQLAInterface(AuditEntry)
    base_permissions = ["can_list", "can_show"]
    list_title = show_title = _l("审计日志")
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
