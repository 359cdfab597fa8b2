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

from flask_babel import lazy_gettext as _l

from app.models import (
    Contact,
    Department,
    InformationSystem,
    Material,
    ProcessNode,
    RectificationTask,
    ServiceItem,
)
from app.models.choices import TASK_STATUS

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
        from .fields import serialize  # fields reads this table: imported when first used

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
