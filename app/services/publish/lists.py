"""The three lists (责任清单, 服务清单, 审批清单), derived from approved versions only.

An item enters the lists through its current `RecordVersion` (the last approved snapshot), never
through its live row: a draft edit of an approved item changes nothing here until it is approved.
Offline items have no current version and stay out. `public_item` keeps only what the public may
read (the six modules and where to apply): no survey findings, no user columns.
"""

import json
from collections.abc import Sequence

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ConsoleUser, ProcessNode, RecordVersion, ServiceItem
from app.models import guide_words as words
from app.models.choices import ITEM_KIND, NODE_KIND
from app.models.labels import label
from app.models.service_item import OFFLINE
from app.services.access import scope

ITEM_FIELDS = (
    "code",
    "name",
    "department_name",
    "post",
    "kind",
    "online_entry",
    "user_groups",
    "audience_note",
    "conditions",
    "path",
    "consultation",
    "handling_type",
    "promised_limit",
    "statutory_limit",
    "time_limit_days",
    "service_hours",
    "tips",
    "hosting_system_name",
    "offline_plan",  # 线下应急办理预案 (measures art. 4(3)④): how to apply when the hall is down
)
MATERIAL_FIELDS = ("position", "name", "required", "form", "source", "copies", "notes")
NODE_FIELDS = (
    "position",
    "name",
    "kind",
    "handling_department_name",
    "handling_post",
    "approval_level",
    "time_limit",
    "time_limit_days",
)
LIST_KINDS = ("responsibility", "service", "approval")


# A service item as the public may read it (`public_item`).
PublicItem = dict[str, object]


def list_titles() -> dict[str, str]:
    return {"responsibility": _("责任清单"), "service": _("服务清单"), "approval": _("审批清单")}


def public_item(
    data: dict[str, object], version_no: int | None = None, department_id: int | None = None
) -> PublicItem:
    """The public projection of an approved service-item snapshot."""
    item = {key: data.get(key) for key in ITEM_FIELDS}
    item["materials"] = [
        {key: m.get(key) for key in MATERIAL_FIELDS} for m in data.get("materials") or []
    ]
    item["nodes"] = [{key: n.get(key) for key in NODE_FIELDS} for n in data.get("nodes") or []]
    item["version"] = version_no
    item["department_id"] = (
        department_id if department_id is not None else data.get("department_id")
    )
    return item


def current_items(session: Session, user: ConsoleUser | None = None) -> list[PublicItem]:
    """Public projections of every current approved service item, ordered by code.

    With `user`, restricted to the departments that user may see (scope rule).
    """
    query = select(RecordVersion.number, RecordVersion.department_id, RecordVersion.snapshot).where(
        RecordVersion.record_type == "service_item", RecordVersion.is_current.is_(True)
    )
    dept = scope.scope_department_id(user) if user is not None else None
    if dept is not None:
        query = query.where(RecordVersion.department_id == dept)
    items = []
    for number, department_id, snapshot in session.execute(query):
        data = json.loads(snapshot)
        if data.get("lifecycle") == OFFLINE:
            continue
        items.append(public_item(data, number, department_id))
    items.sort(key=lambda i: i["code"])
    return items


def responsibility_rows(items: Sequence[PublicItem]) -> list[list[object]]:
    """责任清单: one row per (department, post) with the items it is in charge of."""
    groups = {}
    for item in items:
        key = (item["department_name"] or "", item["post"] or "")
        groups.setdefault(key, []).append(item["name"])
    return [
        [dept, post, "、".join(names), len(names)] for (dept, post), names in sorted(groups.items())
    ]


def service_rows(items: Sequence[PublicItem]) -> list[list[object]]:
    """服务清单: content, materials, hours, channels and online entry of every item."""
    rows = []
    for item in items:
        materials = "\n".join(
            "{n}. {name}{about}".format(
                n=i,
                name=m["name"],
                about=f"（{words.material(m)}）" if words.material(m) else "",
            )
            for i, m in enumerate(item["materials"], 1)
        )
        rows.append(
            [
                item["department_name"],
                item["code"],
                item["name"],
                ITEM_KIND.label(item["kind"]),
                words.audience(item),
                item["conditions"],
                materials,
                item["service_hours"],
                words.time_limit(item),
                item["path"],
                item["consultation"],
                item["online_entry"],
                item.get("offline_plan"),
            ]
        )
    return rows


def approval_levels(item: PublicItem) -> int:
    levels = [n["approval_level"] for n in item["nodes"] if n.get("approval_level") is not None]
    if levels:
        return max(levels)
    return sum(1 for n in item["nodes"] if n["kind"] in ("approve", "countersign"))


def _node_line(node: dict) -> str:
    who = " ".join(
        x for x in (node.get("handling_department_name"), node.get("handling_post")) if x
    )
    about = "；".join(x for x in (NODE_KIND.label(node["kind"]), who, words.node_limit(node)) if x)
    return "{p}. {name}（{about}）".format(p=node["position"], name=node["name"], about=about)


def approval_rows(items: Sequence[PublicItem]) -> list[list[object]]:
    """审批清单: approval items with their levels, nodes, time limits and online channel."""
    rows = []
    for item in items:
        if item["kind"] != "approval":
            continue
        nodes = "\n".join(_node_line(n) for n in item["nodes"])
        channel = "\n".join(x for x in (item.get("hosting_system_name"), item["online_entry"]) if x)
        rows.append(
            [
                item["department_name"],
                item["code"],
                item["name"],
                approval_levels(item),
                nodes,
                words.time_limit(item),
                channel,
            ]
        )
    return rows


def headers(kind: str) -> list[str]:
    """The lists' column titles; a column that shows one field says it in the model's words."""

    def item(key):
        return str(label(ServiceItem, key))

    return {
        "responsibility": [_("部门"), item("post"), _("负责事项"), _("事项数")],
        "service": [
            _("部门"),
            item("code"),
            item("name"),
            item("kind"),
            _("服务对象"),
            _("办理条件"),
            item("materials"),
            item("service_hours"),
            _("办理时限"),
            item("path"),
            item("consultation"),
            item("online_entry"),
            item("offline_plan"),
        ],
        "approval": [
            _("部门"),
            item("code"),
            item("name"),
            str(label(ProcessNode, "approval_level")),
            _("审批环节及时限"),
            _("总时限"),
            _("线上办理渠道"),
        ],
    }[kind]


ROWS = {"responsibility": responsibility_rows, "service": service_rows, "approval": approval_rows}


def rows(kind: str, items: Sequence[PublicItem]) -> list[list[object]]:
    return ROWS[kind](items)
