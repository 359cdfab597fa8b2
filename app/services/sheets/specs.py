"""The four Excel templates of the campaign notice (附件1-4): their sheets, columns and cells.

One declaration serves the template download, the exports and the import, so a file the
console writes is a file it reads back unchanged. Column labels, choice sets, value validators,
lengths and required fields are taken from the models (`app.models.labels`), so the import
checks exactly what the forms check.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import Numeric, String

from app.models import (
    Contact,
    Department,
    InformationSystem,
    Material,
    ProcessNode,
    ServiceItem,
    labels,
)
from app.models.choices import AUDIENCE_SYNONYMS, MATERIAL_FORM_SYNONYMS, USER_GROUP


@dataclass
class Column:
    """One column: the record attribute, its header and how its cells are read and written.

    kind: text, int, decimal, date, bool, choice, codes (several choices, stored as codes joined
    by ","; `synonyms` maps other words to codes), audience (服务对象: the reference list plus a
    free remainder, `ServiceItem.audience`), time_limit (a limit's words, read by
    `app.models.time_limit`), department (by name or code), system (a hosting system, by code),
    item (a service item code: the parent of a material or node), status (shown, never
    imported).
    """

    key: str
    label: object
    kind: str = "text"
    choices: object = None
    required: bool = False
    max_length: int | None = None
    digits: int | None = None  # integer digits a decimal may have
    validators: tuple = ()
    width: int | None = None
    synonyms: dict | None = None
    unit: str | None = None  # a decimal's unit: "万元" reads "元" and "万元" written in the cell

    @property
    def header(self) -> str:
        return str(self.label)

    @property
    def imported(self) -> bool:
        return self.kind != "status"

    @property
    def stored(self) -> bool:
        """Read into the record (the row's version is read only to check the file is current)."""
        return self.imported and self.kind != "version"

    @property
    def enumerated(self) -> bool:
        return self.kind in ("bool", "choice", "codes", "department", "system", "status")


@dataclass
class SheetSpec:
    """One data sheet of a template: its name, model and columns, and the key rows match by."""

    name: object
    model: type
    columns: list
    key: tuple
    parent: str | None = None  # "item": rows are children of the service items by code
    notes: tuple = ()
    optional: bool = False  # a file without this sheet is read without it (older templates)

    @property
    def title(self) -> str:
        return str(self.name)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


@dataclass
class Template:
    """A template (附件N): its data sheets, in the order they are read."""

    code: str
    title: object
    sheets: list
    notes: tuple = field(default_factory=tuple)


def _column(model, key, kind="text", label=None, **options):
    """A column whose label, choices, length, requirement and validators come from the model."""
    attr = model.__table__.columns.get(
        key if kind not in ("department", "system", "item") else key + "_id"
    )
    if attr is not None:
        if isinstance(attr.type, String) and kind in ("text", "choice", "codes", "time_limit"):
            options.setdefault("max_length", attr.type.length)
        if isinstance(attr.type, Numeric):
            options.setdefault("digits", attr.type.precision - attr.type.scale)
        options.setdefault(
            "required", not attr.nullable and attr.default is None and kind != "bool"
        )
    field = labels.info(model, key)
    if kind in ("choice", "status", "codes"):
        options.setdefault("choices", field.get("codes" if kind == "codes" else "choices"))
    validators = tuple(field.get("validators", ()))
    label = label if label is not None else labels.label(model, key)
    return Column(key=key, label=label, kind=kind, validators=validators, **options)


@lru_cache(maxsize=1)
def _specs():
    col = _column
    status = col(ServiceItem, "status", "status")
    # The version of the record the row was exported from: an older file cannot overwrite
    # newer edits. Blank for new rows.
    version = Column("row_version", _l("记录版本"), "version", width=8)
    department = col(ServiceItem, "department", "department", required=True, width=20)
    it = ServiceItem
    item_columns = {
        "code": col(it, "code", required=True, width=14),
        "name": col(it, "name", required=True, width=28),
        "department": department,
        "post": col(it, "post"),
        "kind": col(it, "kind", "choice", required=True),
        "running_status": col(it, "running_status", "choice", required=True),
        "hosting_system": col(it, "hosting_system", "system", required=False, width=28),
        "online_entry": col(it, "online_entry", width=30),
        "user_groups": Column(
            "audience",
            labels.label(it, "user_groups"),
            "audience",
            choices=USER_GROUP,
            max_length=255,
            width=24,
        ),
    }
    modules = [col(it, key, width=30) for key in ("conditions", "path", "consultation")]
    modules += [
        col(it, "handling_type", "choice", required=False),
        col(it, "promised_limit", "time_limit", width=20),
        col(it, "statutory_limit", "time_limit", width=20),
        col(it, "service_hours"),
        col(it, "tips", width=30),
    ]
    findings = [
        col(it, "pain_points", width=30),
        col(it, "suggestions", width=30),
        col(it, "transformation_needs", width=30),
        col(it, "disposition", "choice", required=False),
        col(it, "disposition_note", width=30),
    ]
    items = SheetSpec(
        _l("服务事项"),
        ServiceItem,
        list(item_columns.values()) + modules + findings + [status, version],
        key=("code",),
    )
    parent = Column("item", labels.label(ServiceItem, "code"), "item", required=True, width=14)
    materials = SheetSpec(
        _l("申报材料"),
        Material,
        [
            parent,
            col(Material, "position", "int", required=True),
            col(Material, "name", required=True, width=24),
            col(Material, "required", "bool"),
            col(Material, "form", "codes", synonyms=MATERIAL_FORM_SYNONYMS),
            col(Material, "copies", "int"),
            col(Material, "source", "choice", required=False),
            col(Material, "notes", width=30),
        ],
        key=("item", "position"),
        parent="item",
    )
    node = ProcessNode
    nodes = SheetSpec(
        _l("流转环节"),
        ProcessNode,
        [
            parent,
            col(node, "position", "int", required=True),
            col(node, "name", required=True, width=20),
            col(node, "kind", "choice", required=True),
            col(node, "handling_department", "department", required=False, width=20),
            col(node, "handling_post"),
            col(node, "approval_level", "int"),
            col(node, "time_limit", "time_limit", width=16),
        ],
        key=("item", "position"),
        parent="item",
    )
    statistics = SheetSpec(
        _l("线上业务流程统计表"),
        ServiceItem,
        [
            item_columns["code"],
            Column(
                "name",
                _l("线上流程名称"),
                required=True,
                max_length=item_columns["name"].max_length,
                width=28,
            ),
            department,
            item_columns["hosting_system"],
            item_columns["online_entry"],
            item_columns["user_groups"],
            item_columns["running_status"],
            status,
            version,
        ],
        key=("code",),
    )
    contacts = SheetSpec(
        _l("联系人"),
        Contact,
        [
            department,
            col(Contact, "name", required=True),
            col(Contact, "staff_no"),
            col(Contact, "post"),
            col(Contact, "phone", required=True, width=16),
            col(Contact, "email", width=24),
            col(Contact, "knows_processes", "bool"),
            col(Contact, "administers_systems", "bool"),
            status,
            version,
        ],
        key=("department", "staff_no|name"),
    )
    # 附件1 creates the college's departments too (the IT office's rows; `departments`).
    dp = Department
    departments = SheetSpec(
        _l("部门"),
        Department,
        [
            col(dp, "code", required=True, width=12),
            col(dp, "name", required=True, width=24),
            col(dp, "kind", "choice"),
            col(dp, "leader_in_charge", width=14),
            col(dp, "phone", width=16),
            col(dp, "sort_order", "int"),
            version,
        ],
        key=("code",),
        optional=True,
        notes=(
            _l(
                "只有信息中心管理员可以新增或修改部门；本表中没有的部门保持不变，不会删除。"
                "部门名称不能与另一部门的部门代码相同。下面“联系人”表中的“所属部门”可填写本表新增的部门。"
            ),
        ),
    )
    sm = InformationSystem
    systems = SheetSpec(
        _l("管理信息系统"),
        InformationSystem,
        [
            col(sm, "code", required=True, width=14),
            col(sm, "name", required=True, width=24),
            department,
            col(sm, "vendor", width=20),
            Column("go_live", labels.label(sm, "go_live_date"), "partial_date"),
            col(sm, "build_cost", "decimal", unit="万元"),
            col(sm, "annual_om_cost", "decimal", unit="万元"),
            col(sm, "url", width=28),
            col(sm, "user_groups", "codes", synonyms=AUDIENCE_SYNONYMS),
            col(sm, "daily_active_operations", "int"),
            col(sm, "core_usage_rate", "decimal"),
            col(sm, "deployment", "choice", required=False),
            col(sm, "mobile_adaptation", "choice", required=False),
            col(sm, "portal_integration", "choice", required=False),
            *(
                col(sm, key, "bool")
                for key in ("data_silo", "feature_gap", "poor_extensibility", "security_risk")
            ),
            col(sm, "problem_details", width=30),
            col(sm, "notes", width=30),
            status,
            version,
        ],
        key=("code",),
    )
    return {
        "contacts": Template(
            "contacts",
            _l("附件1 数字化治理工作调研及系统摸排工作联系人"),
            [departments, contacts],
        ),
        "items": Template("items", _l("附件2 线上业务流程梳理模板"), [items, materials, nodes]),
        "statistics": Template("statistics", _l("附件3 线上业务流程统计表"), [statistics]),
        "systems": Template("systems", _l("附件4 管理信息系统情况统计表"), [systems]),
    }


TEMPLATE_CODES = ("contacts", "items", "statistics", "systems")


def templates() -> dict[str, Template]:
    return _specs()


def template(code: str) -> Template:
    return _specs()[code]


def detect(sheet_names: Iterable[str]) -> Template | None:
    """The template one of whose data sheets the workbook has, else None."""
    names = set(sheet_names)
    for code in TEMPLATE_CODES:
        spec = _specs()[code]
        if any(sheet.title in names for sheet in spec.sheets):
            return spec
    return None
