"""The audit log (审计日志): read-only for the audit administrator; nobody edits or deletes it.

Entries are shown in the words of the pages: record types by name, changes as "label: before →
after" lines (the record's own labels, or EVENT_KEYS for what is not a column), people and
times as elsewhere; the stored JSON stays untouched for `audit-verify`."""

import json

from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.models import AuditEntry, registry

from .base import ConsoleModelView
from .event_words import EVENT_KEYS, event_value
from .record_panel import FieldWords

# What the audit stores besides records' columns, said as the pages say it.
OTHER_RECORD_TYPES = {
    "ab_user": _l("用户"),
    "ab_role": _l("角色"),
    "sheet": _l("表格"),
    "publication": _l("清单发布"),
    "public_comment": _l("公众意见"),
    "assessment": _l("年度考核"),
    "audit_entry": _l("审计日志"),
    "seed_demo": _l("演示数据"),
}
# Never shown: session keys and hashes are for the machine.
HIDDEN_KEYS = {"session_nonce", "password_hash"}
DEMO_KEYS = {
    "departments": _l("部门"),
    "users": _l("用户"),
    "contacts": _l("联系人"),
    "systems": _l("信息系统"),
    "items": _l("服务事项"),
    "materials": _l("申报材料"),
    "nodes": _l("流转环节"),
    "decisions": _l("审核记录"),
    "versions": _l("通过版本"),
    "tasks": _l("整改任务"),
    "campaigns": _l("工作安排"),
}


def record_type_label(key):
    """What a stored record type is called: the registry's label, else OTHER_RECORD_TYPES."""
    if not key:
        return ""
    kind = registry.get(key)
    return kind.label if kind is not None else OTHER_RECORD_TYPES.get(key, key)


def change_lines(entry) -> list[tuple[str, object, object]]:
    """[(label, before, after)] of an entry's changes, in the words of the pages."""
    changes = json.loads(entry.changes or "{}")
    changes = {k: v for k, v in changes.items() if k not in HIDDEN_KEYS}
    kind = registry.get(entry.record_type or "")
    if kind is not None:
        return FieldWords.of(kind.key).changes(changes)
    keys = DEMO_KEYS if entry.record_type == "seed_demo" else EVENT_KEYS
    lines = []
    for key, pair in changes.items():
        before, after = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
        lines.append((str(keys.get(key, key)), event_value(before), event_value(after)))
    return lines


def changes_markup(entry) -> Markup:
    return Markup("").join(
        Markup("<div><strong>{}</strong>：{} → {}</div>").format(label, before, after)
        for label, before, after in change_lines(entry)
    )


def _username(value):
    return _l("系统") if value in (None, "system") else value


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
        "details",
        "prev_hash",
        "hash",
    ]
    formatters_columns = {
        "record_type": record_type_label,
        "username": _username,
        "details": changes_markup,
    }
    search_columns = ["username", "ip", "action", "record_type", "record_id", "at"]
    base_order = ("seq", "desc")
