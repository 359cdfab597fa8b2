"""Rules on how an item is handled (审批节点冗余, continued): its 办件类型 and its handlers.

- `instant_with_approval`: a 即办件 (GB/T 39554 办件类型: handled on the spot) whose process
  still has approval nodes (审批, 会签 by default), so it is not handled on the spot at all;
- `node_without_handler`: nodes of a live or going-live item whose handling unit (the node's
  handling department, else the item's own, as the service hall reads it) has no active filed
  handler (办理人备案, measures art. 6, 10): one finding per item and unit, owned by that unit.

Offline items are left out. Each function takes the session and the rule's parameters and
returns `Finding`s for the whole college in one query; `explain_*` words them.
"""

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import HandlerAssignment, ProcessNode, ServiceItem
from app.models.choices import ASSIGNMENT_STATUS, HANDLING_TYPE, LIFECYCLE, NODE_KIND

from .finding_base import DEPARTMENT, ITEM, Finding
from .finding_nodes import _days, _known_sum, _saving

# Live (已上线, and while a change or going offline is asked) and going live (验收后).
LIVE_OR_GOING_LIVE = [
    LIFECYCLE.ACCEPTED,
    LIFECYCLE.CONFIRMING,
    LIFECYCLE.ONLINE,
    LIFECYCLE.CHANGE_REQUESTED,
    LIFECYCLE.CHANGE_APPROVED,
    LIFECYCLE.CHANGE_DEVELOPMENT,
    LIFECYCLE.CHANGE_ACCEPTANCE,
    LIFECYCLE.CHANGE_ACCEPTED,
    LIFECYCLE.CHANGE_CONFIRMING,
    LIFECYCLE.OFFLINE_REQUESTED,
]
APPROVING = [NODE_KIND.APPROVE, NODE_KIND.COUNTERSIGN]


def instant_with_approval(session: Session, params: dict) -> list[Finding]:
    kinds = list(params.get("node_kinds", APPROVING))
    days = ProcessNode.time_limit_days
    query = (
        select(
            ServiceItem.id,
            ServiceItem.department_id,
            func.count(),
            func.min(ProcessNode.name),
            _known_sum(func.sum(days), days),
        )
        .join(ProcessNode, ProcessNode.item_id == ServiceItem.id)
        .where(
            ServiceItem.handling_type == HANDLING_TYPE.IMMEDIATE,
            ~ServiceItem.is_offline,
            ProcessNode.kind.in_(kinds),
        )
        .group_by(ServiceItem.id, ServiceItem.department_id)
    )
    return [
        Finding(
            "instant_with_approval",
            f"{item_id}:instant",
            ((ITEM, item_id),),
            (dept_id,),
            dept_id,
            facts={"count": count, "node": node},
            days_saved=_days(saved),
        )
        for item_id, dept_id, count, node, saved in session.execute(query)
    ]


def explain_instant_with_approval(finding: Finding, names: dict) -> tuple[str, str]:
    facts = finding.facts
    why = _(
        "事项办件类型为即办件（当场办结），流程中却有 {n} 个审批或会签环节（如“{node}”），"
        "申请人实际不能当场办结。"
    ).format(n=facts["count"], node=facts["node"])
    measure = _("确属即办件的，取消这些环节或改为窗口当场审核")
    change = _saving(measure, finding)
    return why, change + _("确需审批的，应改为承诺件并如实写明承诺办结时限。")


def node_without_handler(session: Session, params: dict) -> list[Finding]:
    states = list(params.get("lifecycles", LIVE_OR_GOING_LIVE))
    skipped = list(params.get("skip_kinds", []))
    unit = func.coalesce(ProcessNode.handling_department_id, ServiceItem.department_id)
    filed = (
        select(HandlerAssignment.id)
        .where(
            HandlerAssignment.node_id == ProcessNode.id,
            HandlerAssignment.status == ASSIGNMENT_STATUS.FILED,
            HandlerAssignment.department_id == unit,
        )
        .exists()
    )
    query = (
        select(
            ServiceItem.id,
            ServiceItem.department_id,
            ServiceItem.lifecycle,
            unit,
            func.count(),
            func.min(ProcessNode.name),
        )
        .select_from(ProcessNode)
        .join(ServiceItem, ServiceItem.id == ProcessNode.item_id)
        .where(ServiceItem.lifecycle.in_(states), ~filed)
        .group_by(ServiceItem.id, ServiceItem.department_id, ServiceItem.lifecycle, unit)
    )
    if skipped:
        query = query.where(ProcessNode.kind.notin_(skipped))
    return [
        Finding(
            "node_without_handler",
            f"{item_id}:handler:{unit_id}",
            ((ITEM, item_id), (DEPARTMENT, unit_id)),
            tuple(dict.fromkeys((dept_id, unit_id))),
            unit_id,
            facts={"unit": unit_id, "lifecycle": state, "count": count, "node": node},
        )
        for item_id, dept_id, state, unit_id, count, node in session.execute(query)
    ]


def explain_node_without_handler(finding: Finding, names: dict) -> tuple[str, str]:
    facts = finding.facts
    unit = names.get(facts["unit"]) or _("办理单位")
    why = _(
        "事项处于“{state}”，其中 {n} 个环节（如“{node}”）由{unit}办理，"
        "但{unit}在这些环节没有已备案的在岗办理人。"
    ).format(
        state=LIFECYCLE.label(facts["lifecycle"]), n=facts["count"], node=facts["node"], unit=unit
    )
    change = _(
        "由{unit}流程管理员提出办理人，经党政办审批、信息处备案后，申请不再停在无人办理的环节，"
        "事项也才能上线或申请变更。"
    ).format(unit=unit)
    return why, change
