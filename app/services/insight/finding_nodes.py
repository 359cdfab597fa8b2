"""Rules on an item's process nodes (审批节点冗余): each one GROUP BY over every node.

- `repeat_reviewer`: the same department and post (or, tuned, the same department) review or
  approve twice in one item;
- `too_many_levels`: more approval levels than the item's kind needs;
- `serial_countersigns`: neighbouring countersigns on different levels, so they run one after
  the other instead of side by side;
- `limits_exceed`: the nodes' time limits add up past the item's promised limit (a block of
  countersigns sharing a level counts once, its slowest node).

Offline items are left out. Each function takes the session and the rule's parameters and
returns `Finding`s for the whole college; `explain_*` words them.
"""

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from app.models import ProcessNode, ServiceItem
from app.models.choices import ITEM_KIND, NODE_KIND

from .finding_base import ITEM, Finding, time_limit_columns

DECIDING = (NODE_KIND.REVIEW, NODE_KIND.APPROVE, NODE_KIND.COUNTERSIGN)


def _live_nodes(*columns):
    return (
        select(*columns)
        .select_from(ProcessNode)
        .join(ServiceItem, ServiceItem.id == ProcessNode.item_id)
        .where(~ServiceItem.is_offline)
    )


def _item_finding(rule, item_id, department_id, ident, **kwargs):
    return Finding(
        rule,
        f"{item_id}:{ident}",
        ((ITEM, item_id),),
        (department_id,),
        department_id,
        **kwargs,
    )


def _known_sum(total, days):
    """`total` over a group's nodes, or NULL when one of them has no time limit in working
    days: a saving counted from unknown limits as 0 would be made up."""
    return case((func.count(days) < func.count(), None), else_=total)


def _days(value) -> int | None:
    return None if value is None else int(value)


def _saving(measure: str, finding: Finding) -> str:
    """What the measure saves, or that it cannot be estimated from limits nobody gave."""
    if finding.days_saved is None:
        return _("{measure}；有环节时限未填写或无法识别，节省时间数据不足。").format(
            measure=measure
        )
    return _("{measure}，可节省约 {days} 个工作日。").format(
        measure=measure, days=finding.days_saved
    )


def repeat_reviewer(session: Session, params: dict) -> list[Finding]:
    by_department = params.get("match") == "department"
    days = ProcessNode.time_limit_days
    post = literal("") if by_department else ProcessNode.handling_post
    query = (
        _live_nodes(
            ProcessNode.item_id,
            ServiceItem.department_id,
            ProcessNode.handling_department_id,
            post.label("post"),
            func.count(),
            _known_sum(func.sum(days) - func.max(days), days),
        )
        .where(ProcessNode.kind.in_(DECIDING))
        .group_by(
            ProcessNode.item_id,
            ServiceItem.department_id,
            ProcessNode.handling_department_id,
            post,
        )
        .having(func.count() > 1)
    )
    if by_department:
        query = query.where(ProcessNode.handling_department_id.isnot(None))
    else:
        query = query.where(func.coalesce(ProcessNode.handling_post, "") != "")
    return [
        _item_finding(
            "repeat_reviewer",
            item_id,
            dept_id,
            f"{handler}:{post}",
            facts={"handler": handler, "post": post, "count": count},
            days_saved=_days(saved),
        )
        for item_id, dept_id, handler, post, count, saved in session.execute(query)
    ]


def explain_repeat_reviewer(finding: Finding, names: dict) -> tuple[str, str]:
    facts = finding.facts
    who = names.get(facts["handler"]) or ""
    who = (who + (facts["post"] or "")) or _("同一岗位")
    why = _("同一事项中有 {n} 个审核或审批环节由“{who}”办理，同一办理人重复把关。").format(
        n=facts["count"], who=who
    )
    return why, _saving(_("合并为一个环节"), finding)


def _level_threshold(params: dict):
    limits = params.get("max_levels", {})
    return case(
        *[
            (ServiceItem.kind == kind, int(limits[kind]))
            for kind in ITEM_KIND.codes
            if kind in limits
        ],
        else_=None,
    )


def too_many_levels(session: Session, params: dict) -> list[Finding]:
    limit = _level_threshold(params)
    days = ProcessNode.time_limit_days
    beyond = case((ProcessNode.approval_level > limit, func.coalesce(days, 0)), else_=0)
    unknown = case((and_(ProcessNode.approval_level > limit, days.is_(None)), 1), else_=0)
    query = (
        _live_nodes(
            ProcessNode.item_id,
            ServiceItem.department_id,
            ServiceItem.kind,
            func.max(ProcessNode.approval_level),
            case((func.sum(unknown) > 0, None), else_=func.sum(beyond)),
        )
        .group_by(ProcessNode.item_id, ServiceItem.department_id, ServiceItem.kind)
        .having(func.max(ProcessNode.approval_level) > limit)
    )
    limits = params.get("max_levels", {})
    return [
        _item_finding(
            "too_many_levels",
            item_id,
            dept_id,
            "levels",
            facts={"kind": kind, "levels": levels, "limit": int(limits[kind])},
            days_saved=_days(saved),
        )
        for item_id, dept_id, kind, levels, saved in session.execute(query)
    ]


def explain_too_many_levels(finding: Finding, names: dict) -> tuple[str, str]:
    facts = finding.facts
    why = _("该事项审批层级达 {levels} 级，{kind}事项一般不超过 {limit} 级。").format(
        levels=facts["levels"], kind=ITEM_KIND.label(facts["kind"]), limit=facts["limit"]
    )
    return why, _saving(_("压减超出的层级"), finding)


def serial_countersigns(session: Session, params: dict) -> list[Finding]:
    order = {"partition_by": ProcessNode.item_id, "order_by": ProcessNode.position}
    steps = _live_nodes(
        ProcessNode.item_id,
        ServiceItem.department_id,
        ProcessNode.kind,
        ProcessNode.approval_level,
        ProcessNode.time_limit_days,
        func.lag(ProcessNode.kind).over(**order).label("prev_kind"),
        func.lag(ProcessNode.approval_level).over(**order).label("prev_level"),
        func.lag(ProcessNode.time_limit_days).over(**order).label("prev_days"),
    ).subquery()
    shorter = case(
        (or_(steps.c.time_limit_days.is_(None), steps.c.prev_days.is_(None)), None),
        (steps.c.time_limit_days < steps.c.prev_days, steps.c.time_limit_days),
        else_=steps.c.prev_days,
    )
    query = (
        select(
            steps.c.item_id,
            steps.c.department_id,
            func.count(),
            case((func.count(shorter) < func.count(), None), else_=func.sum(shorter)),
        )
        .where(
            and_(
                steps.c.kind == NODE_KIND.COUNTERSIGN,
                steps.c.prev_kind == NODE_KIND.COUNTERSIGN,
                or_(
                    steps.c.approval_level.is_(None),
                    steps.c.prev_level.is_(None),
                    steps.c.approval_level != steps.c.prev_level,
                ),
            )
        )
        .group_by(steps.c.item_id, steps.c.department_id)
    )
    return [
        _item_finding(
            "serial_countersigns",
            item_id,
            dept_id,
            "countersigns",
            facts={"pairs": pairs},
            days_saved=_days(saved),
        )
        for item_id, dept_id, pairs, saved in session.execute(query)
    ]


def explain_serial_countersigns(finding: Finding, names: dict) -> tuple[str, str]:
    why = _("相邻的会签环节分处不同审批层级（共 {n} 处），互不依赖却依次办理。").format(
        n=finding.facts["pairs"]
    )
    return why, _saving(_("改为同一层级并行会签"), finding)


def limits_exceed(session: Session, params: dict) -> list[Finding]:
    item_limit, node_limit = time_limit_columns()
    block = case(
        (
            and_(ProcessNode.kind == NODE_KIND.COUNTERSIGN, ProcessNode.approval_level.isnot(None)),
            -ProcessNode.approval_level,
        ),
        else_=ProcessNode.position,
    )
    blocks = (
        _live_nodes(ProcessNode.item_id, func.max(node_limit).label("days"))
        .where(node_limit.isnot(None))
        .group_by(ProcessNode.item_id, block)
        .subquery()
    )
    total = func.sum(blocks.c.days)
    slack = int(params.get("slack_days", 0))
    query = (
        select(ServiceItem.id, ServiceItem.department_id, item_limit, total)
        .join(blocks, blocks.c.item_id == ServiceItem.id)
        .where(item_limit.isnot(None))
        .group_by(ServiceItem.id, ServiceItem.department_id, item_limit)
        .having(total > item_limit + slack)
    )
    return [
        _item_finding(
            "limits_exceed",
            item_id,
            dept_id,
            "limits",
            facts={"promised": promised, "total": int(days)},
            days_saved=int(days) - promised,
        )
        for item_id, dept_id, promised, days in session.execute(query)
    ]


def explain_limits_exceed(finding: Finding, names: dict) -> tuple[str, str]:
    facts = finding.facts
    why = _("各环节办理时限合计 {total} 个工作日，超过事项承诺时限 {promised} 个工作日。").format(
        **facts
    )
    return why, _("压缩环节时限（或如实调整承诺时限），可使办理提速约 {days} 个工作日。").format(
        days=finding.days_saved
    )
