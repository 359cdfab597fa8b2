"""The records the REST API serves, declared as a table, and how their fields read and write.

Each `Resource` names its model, the page view whose FAB permissions a call must hold (list,
show, add, edit, delete: the same grants `permissions.ACTIONS` gives the page), the token
scope it needs, the fields it shows and the fields a write may set (the page form's fields),
the query filters it takes, and the workflow moves it offers. Field types, lengths, choices and
bounds come from the model's columns (`app.models.labels`), so the OpenAPI document, the
validation and the pages share one definition. A new resource (the cases, when they exist) is
one more row.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, DateTime, Integer, Numeric, String, Text, inspect
from wtforms.validators import NumberRange

from app.models import (
    Contact,
    Department,
    InformationSystem,
    Material,
    ProcessNode,
    RectificationTask,
    ServiceItem,
)
from app.models import labels as model_labels
from app.models.choices import TASK_STATUS, WORKFLOW_STATUS, split_codes
from app.services.errors import DomainError

MAX_PAGE_SIZE = 100  # the hard cap of every list
DEFAULT_PAGE_SIZE = 20
MAX_PAGE = 100_000
TEXT_MAX = 20_000  # a long text field (the pages' text areas)

# Fields every department record shows besides its own.
RECORD_FIELDS = ("id", "version", "status", "department_id", "created_at", "updated_at")
WORKFLOW_MOVES = ("submit", "withdraw")


@dataclass(frozen=True)
class Resource:
    """One kind of record under /api/v1/<name>."""

    name: str
    model: type
    scope: str  # the token scope's prefix: "<scope>:read", "<scope>:write"
    view: str  # the page view whose FAB permissions the call needs
    title: str
    fields: tuple[str, ...]
    writable: tuple[str, ...] = ()
    create_only: tuple[str, ...] = ()  # set when adding, never changed (a child's item)
    filters: tuple[str, ...] = ()
    search: tuple[str, ...] = ()  # `q` matches any of these (substring)
    order: tuple[str, ...] = ("id",)
    deletable: bool = True
    moves: tuple[str, ...] = ()  # workflow moves at POST /<name>/<id>/<move>
    defaults: dict = field(default_factory=dict)  # what the page's pre_add sets
    embedded: dict[str, Callable] = field(default_factory=dict)  # extra read-only fields

    @property
    def read_scope(self) -> str:
        return f"{self.scope}:read"

    @property
    def write_scope(self) -> str:
        return f"{self.scope}:write"

    @property
    def writes(self) -> bool:
        return bool(self.writable)

    def all_fields(self) -> tuple[str, ...]:
        return self.fields + tuple(self.embedded)


def _children(name):
    def read(record):
        child = CHILDREN[name]
        return [serialize(child, row) for row in getattr(record, name)]

    return read


ITEM_FIELDS = (
    "code",
    "name",
    "department_id",
    "post",
    "kind",
    "running_status",
    "hosting_system_id",
    "online_entry",
    "user_groups",
    "audience_note",
    "conditions",
    "path",
    "consultation",
    "handling_type",
    "promised_limit",
    "statutory_limit",
    "service_hours",
    "tips",
    "pain_points",
    "suggestions",
    "transformation_needs",
    "disposition",
    "disposition_note",
    "offline_plan",
    "classified",
)
# What a limit's words say (read from them, never written): the lower and upper bound with
# the unit, and the promised limit in working days for the figures.
ITEM_READINGS = (
    "promised_low",
    "promised_high",
    "promised_unit",
    "statutory_low",
    "statutory_high",
    "statutory_unit",
    "time_limit_days",
    "lifecycle",
)
SYSTEM_FIELDS = (
    "code",
    "name",
    "department_id",
    "vendor",
    "go_live_date",
    "go_live_precision",
    "build_cost",
    "annual_om_cost",
    "url",
    "user_groups",
    "daily_active_operations",
    "core_usage_rate",
    "deployment",
    "mobile_adaptation",
    "portal_integration",
    "data_silo",
    "feature_gap",
    "poor_extensibility",
    "security_risk",
    "problem_details",
    "notes",
)
CONTACT_FIELDS = (
    "department_id",
    "name",
    "staff_no",
    "post",
    "phone",
    "email",
    "knows_processes",
    "administers_systems",
)
MATERIAL_FIELDS = ("position", "name", "required", "form", "copies", "source", "notes")
NODE_FIELDS = (
    "position",
    "name",
    "kind",
    "handling_department_id",
    "handling_post",
    "approval_level",
    "time_limit",
)
NODE_READINGS = ("time_limit_low", "time_limit_high", "time_limit_unit", "time_limit_days")
TASK_FIELDS = ("title", "department_id", "category", "description", "measure", "owner", "deadline")

MATERIALS = Resource(
    "materials",
    Material,
    "items",
    "MaterialView",
    _l("申报材料"),
    fields=("id", "version", "item_id", *MATERIAL_FIELDS, "created_at", "updated_at"),
    writable=("item_id", *MATERIAL_FIELDS),
    create_only=("item_id",),
    filters=("item_id", "form"),
    search=("name",),
    order=("item_id", "position", "id"),
)
NODES = Resource(
    "nodes",
    ProcessNode,
    "items",
    "ProcessNodeView",
    _l("流转环节"),
    fields=("id", "version", "item_id", *NODE_FIELDS, *NODE_READINGS, "created_at", "updated_at"),
    writable=("item_id", *NODE_FIELDS),
    create_only=("item_id",),
    filters=("item_id", "kind", "handling_department_id"),
    search=("name",),
    order=("item_id", "position", "id"),
)
CHILDREN = {"materials": MATERIALS, "nodes": NODES}

RESOURCES: tuple[Resource, ...] = (
    Resource(
        "departments",
        Department,
        "departments",
        "DepartmentView",
        _l("部门"),
        fields=(
            "id",
            "version",
            "code",
            "name",
            "kind",
            "leader_in_charge",
            "phone",
            "sort_order",
            "updated_at",
        ),
        filters=("kind",),
        search=("code", "name"),
        order=("sort_order", "code"),
    ),
    Resource(
        "contacts",
        Contact,
        "contacts",
        "ContactView",
        _l("联系人"),
        fields=RECORD_FIELDS + CONTACT_FIELDS[1:],
        writable=CONTACT_FIELDS,
        filters=("department_id", "status"),
        search=("name", "staff_no"),
        moves=WORKFLOW_MOVES,
    ),
    Resource(
        "items",
        ServiceItem,
        "items",
        "ServiceItemView",
        _l("服务事项"),
        fields=RECORD_FIELDS
        + tuple(f for f in ITEM_FIELDS if f != "department_id")
        + ITEM_READINGS,
        writable=ITEM_FIELDS,
        filters=("department_id", "status", "kind", "running_status", "hosting_system_id"),
        search=("code", "name"),
        order=("code",),
        moves=WORKFLOW_MOVES,
        embedded={"materials": _children("materials"), "nodes": _children("nodes")},
    ),
    MATERIALS,
    NODES,
    Resource(
        "systems",
        InformationSystem,
        "systems",
        "InformationSystemView",
        _l("管理信息系统"),
        fields=RECORD_FIELDS + tuple(f for f in SYSTEM_FIELDS if f != "department_id"),
        writable=SYSTEM_FIELDS,
        filters=("department_id", "status", "deployment", "portal_integration"),
        search=("code", "name", "vendor"),
        order=("code",),
        moves=WORKFLOW_MOVES,
    ),
    Resource(
        "tasks",
        RectificationTask,
        "tasks",
        "RectificationTaskView",
        _l("整改任务"),
        fields=RECORD_FIELDS
        + tuple(f for f in TASK_FIELDS if f != "department_id")
        + (
            "source",
            "task_status",
            "postpone_reason",
            "evidence",
            "closed_at",
            "information_system_id",
            "service_item_id",
        ),
        writable=TASK_FIELDS,
        filters=("department_id", "task_status", "category", "source"),
        search=("title", "owner"),
        order=("deadline", "id"),
        defaults={"source": "manual", "task_status": TASK_STATUS.OPEN},
        embedded={"overdue": lambda task: bool(task.overdue)},
    ),
)
BY_NAME = {r.name: r for r in RESOURCES}

# Foreign keys a write may set: {column: (relationship, model)}.
RELATIONS = {
    "department_id": ("department", Department),
    "hosting_system_id": ("hosting_system", InformationSystem),
    "handling_department_id": ("handling_department", Department),
    "item_id": ("item", ServiceItem),
}
READ_ONLY_RELATIONS = ("information_system_id", "service_item_id")


# --- columns ---------------------------------------------------------------------------------


def column(model, name):
    return inspect(model).columns[name]


def _bounds(model, name):
    low = high = None
    for validator in model_labels.validators(model).get(name, ()):
        if isinstance(validator, NumberRange):
            low = validator.min if validator.min is not None else low
            high = validator.max if validator.max is not None else high
    return low, high


def field_schema(model, name) -> dict:
    """The JSON Schema (OpenAPI 3.0) of one field, from its column."""
    if name == "status" and hasattr(model, "status"):
        return {"type": "string", "enum": list(WORKFLOW_STATUS.codes)}
    col = column(model, name)
    info = col.info or {}
    label = info.get("label")
    schema: dict = {}
    if "codes" in info:
        schema = {"type": "array", "items": {"type": "string", "enum": list(info["codes"].codes)}}
    elif "choices" in info:
        schema = {"type": "string", "enum": list(info["choices"].codes)}
    elif isinstance(col.type, Boolean):
        schema = {"type": "boolean"}
    elif isinstance(col.type, Integer):
        schema = {"type": "integer", "format": "int32"}
    elif isinstance(col.type, Numeric):
        schema = {"type": "number"}
    elif isinstance(col.type, DateTime):
        schema = {"type": "string", "format": "date-time"}
    elif isinstance(col.type, Date):
        schema = {"type": "string", "format": "date"}
    elif isinstance(col.type, Text) or not getattr(col.type, "length", None):
        schema = {"type": "string", "maxLength": TEXT_MAX}
    elif isinstance(col.type, String):
        schema = {"type": "string", "maxLength": col.type.length}
    if schema.get("type") in ("integer", "number"):
        low, high = _bounds(model, name)
        if name == "id" or name.endswith("_id") or name == "version":
            low, high = 1, 2**31 - 1
        if low is not None:
            schema["minimum"] = low
        if high is not None:
            schema["maximum"] = high
        elif schema["type"] == "integer":
            schema["maximum"] = 2**31 - 1
        elif isinstance(col.type, Numeric):
            schema["maximum"] = 10 ** (col.type.precision - col.type.scale) - 1
    if col.nullable and "codes" not in info:
        schema["nullable"] = True
    if label:
        schema["description"] = str(label)
    return schema


def required_on_create(resource: Resource) -> list[str]:
    """Writable fields without which the record cannot be stored."""
    wanted = []
    for name in resource.writable:
        col = column(resource.model, name)
        if not col.nullable and col.default is None and name not in resource.defaults:
            wanted.append(name)
    return wanted


# --- reading ---------------------------------------------------------------------------------


def _plain(model, name, value):
    if name in ("status",):
        return value
    info = column(model, name).info or {}
    if "codes" in info:
        return split_codes(value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds") + "Z"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def serialize(resource: Resource, record) -> dict:
    data = {name: _plain(resource.model, name, getattr(record, name)) for name in resource.fields}
    for name, read in resource.embedded.items():
        data[name] = read(record)
    return data


# --- writing ---------------------------------------------------------------------------------


def _refuse(name, problem):
    return DomainError(_("字段 {field}：{problem}").format(field=name, problem=problem))


def parse_value(model, name, value):
    """`value` from JSON as the column stores it; DomainError (400) naming the field if not."""
    schema = field_schema(model, name)
    if value is None:
        if schema.get("nullable"):
            return None
        raise _refuse(name, _("不能为空。"))
    kind = schema.get("type")
    if kind == "array":
        allowed = schema["items"]["enum"]
        if not isinstance(value, list) or any(v not in allowed for v in value):
            raise _refuse(name, _("应为取值 {codes} 组成的数组。").format(codes="、".join(allowed)))
        return ",".join(dict.fromkeys(value)) or None
    if kind == "boolean":
        if not isinstance(value, bool):
            raise _refuse(name, _("应为 true 或 false。"))
        return value
    if kind in ("integer", "number"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _refuse(name, _("应为数字。"))
        if kind == "integer" and (isinstance(value, float) and not value.is_integer()):
            raise _refuse(name, _("应为整数。"))
        low, high = schema.get("minimum"), schema.get("maximum")
        if (low is not None and value < low) or (high is not None and value > high):
            raise _refuse(name, _("应在 {low} 到 {high} 之间。").format(low=low, high=high))
        if kind == "integer":
            return int(value)
        try:
            return Decimal(str(value)).quantize(Decimal("0.01"))
        except InvalidOperation as error:
            raise _refuse(name, _("应为数字。")) from error
    if not isinstance(value, str):
        raise _refuse(name, _("应为字符串。"))
    if "enum" in schema and value not in schema["enum"]:
        raise _refuse(name, _("应为 {codes} 之一。").format(codes="、".join(schema["enum"])))
    if schema.get("format") == "date":
        try:
            return date.fromisoformat(value)
        except ValueError as error:
            raise _refuse(name, _("应为日期（YYYY-MM-DD）。")) from error
    if "\x00" in value:
        raise _refuse(name, _("含有不允许的字符。"))
    if len(value) > schema.get("maxLength", TEXT_MAX):
        raise _refuse(name, _("不能超过 {n} 个字。").format(n=schema["maxLength"]))
    value = value.strip()
    if not value and not schema.get("nullable"):
        raise _refuse(name, _("不能为空。"))
    return value or None
