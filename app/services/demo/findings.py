"""Governance findings planted where a real college has them (the demo's 治理发现 page).

The generated college already shows some on its own: 良好 items on systems not on the portal,
systems hosting nothing, data silos, items of one name on several systems, contacts not
covering both duties, materials the academic system holds. This step adds the rest, each the
way a real college gets there:

- the capability list the IT office keeps, and the systems tagged with it: the facilities'
  repair system and the IT service desk both take repair requests; the finance office's
  payment platform and the campus card both collect fees; the student affairs system and the
  staff attendance system both handle leave;
- a college office reviewing an application twice by the same post (初审 and 复审);
- countersigns moved onto levels of their own, so they run one after another;
- a promised limit written before the nodes were added, now shorter than their sum;
- an online entry that moved to an outside survey site;
- a certificate whose guide says 即办件 while its process kept the head's approval;
- a process the department listed in 附件3 but whose 一事一单 it never wrote.

Only draft items are touched (an approved item's frozen version stays what was approved), the
same ones whatever N (the first by code), and a second run changes nothing.
"""

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from app.models import Capability, InformationSystem, Material, ProcessNode, ServiceItem
from app.models.choices import NODE_KIND, RUNNING_STATUS, WORKFLOW_STATUS
from app.models.finding import system_capability

CAPABILITIES = (
    ("repair", "报修受理", ("后勤报修系统", "IT运维服务平台")),
    ("payment", "费用收缴", ("统一缴费平台", "校园一卡通系统")),
    ("leave", "请假考勤", ("学生工作管理系统", "教职工考勤系统")),
    ("academic", "教务管理", ("教务管理系统", "排课选课系统", "考试管理系统")),
    ("hr", "人事管理", ("人事管理系统", "干部人事档案管理系统")),
    ("identity", "统一身份认证", ("统一身份认证平台",)),
    ("portal", "办事门户", ("融合门户", "网上办事大厅")),
    ("finance", "财务核算", ("财务核算系统", "网上报账系统")),
)
PLANTED = 3  # items per planted node finding
OUTSIDE_ENTRY = "https://wj.qq.com/s2/{code}"


def seed_findings(session: Session) -> None:
    """The capability list and tags, then the planted node and entry findings."""
    _capabilities(session)
    drafts = _draft_items(session, 200)
    used = _repeat_review(session, drafts)
    used += _serial_countersigns(session, drafts)
    used += _promise_too_short(session, drafts)
    _outside_entry(session, drafts)
    used += _instant_with_approval(session, drafts)
    _listed_without_sheet(session, [i for i in drafts if i not in set(used)])


def _capabilities(session):
    known = {row.code: row for row in session.scalars(select(Capability))}
    for code, name, _systems in CAPABILITIES:
        if code not in known:
            known[code] = Capability(code=code, name=name)
            session.add(known[code])
    session.flush()
    tagged = set(session.execute(select(system_capability)).all())
    names = [name for _c, _n, systems in CAPABILITIES for name in systems]
    ids = dict(
        session.execute(
            select(InformationSystem.name, func.min(InformationSystem.id))
            .where(InformationSystem.name.in_(names))
            .group_by(InformationSystem.name)
        ).all()
    )
    rows = [
        {"system_id": ids[name], "capability_id": known[code].id}
        for code, _n, systems in CAPABILITIES
        for name in systems
        if name in ids and (ids[name], known[code].id) not in tagged
    ]
    if rows:
        session.execute(system_capability.insert(), rows)


def _draft_items(session, limit):
    query = (
        select(ServiceItem.id)
        .where(ServiceItem.status == WORKFLOW_STATUS.DRAFT)
        .order_by(ServiceItem.code)
        .limit(limit)
    )
    return list(session.scalars(query))


def _nodes(session, item_ids, kind):
    query = (
        select(ProcessNode)
        .where(ProcessNode.item_id.in_(item_ids), ProcessNode.kind == kind)
        .order_by(ProcessNode.item_id, ProcessNode.position)
    )
    by_item = {}
    for node in session.scalars(query):
        by_item.setdefault(node.item_id, []).append(node)
    return by_item


def _set(session, node, **values):
    session.execute(update(ProcessNode).where(ProcessNode.id == node.id).values(**values))


def _repeat_review(session, drafts):
    planted, used = 0, []
    for item_id, reviews in _nodes(session, drafts, NODE_KIND.REVIEW).items():
        same = [n for n in reviews if n.handling_department_id]
        if len(same) < 2 or planted >= PLANTED:
            continue
        first, second = same[0], same[1]
        _set(
            session,
            second,
            handling_department_id=first.handling_department_id,
            handling_post=first.handling_post,
            name="复审",
        )
        planted += 1
        used.append(item_id)
    return used


def _serial_countersigns(session, drafts):
    planted, used = 0, []
    for item_id, signs in _nodes(session, drafts, NODE_KIND.COUNTERSIGN).items():
        if len(signs) < 2 or planted >= PLANTED:
            continue
        level = signs[0].approval_level or 1
        for offset, node in enumerate(signs):
            _set(session, node, approval_level=level + offset)
        planted += 1
        used.append(item_id)
    return used


def _promise_too_short(session, drafts):
    days = func.sum(ProcessNode.time_limit_days)
    rows = session.execute(
        select(ProcessNode.item_id, days)
        .where(ProcessNode.item_id.in_(drafts), ProcessNode.kind != NODE_KIND.COUNTERSIGN)
        .group_by(ProcessNode.item_id)
        .having(days >= 6)
        .order_by(ProcessNode.item_id.desc())
        .limit(PLANTED)
    ).all()
    for item_id, total in rows:
        session.execute(
            update(ServiceItem).where(ServiceItem.id == item_id).values(time_limit_days=total - 3)
        )
    return [item_id for item_id, _total in rows]


def _outside_entry(session, drafts):
    rows = session.execute(
        select(ServiceItem.id, ServiceItem.code)
        .join(InformationSystem, InformationSystem.id == ServiceItem.hosting_system_id)
        .where(
            ServiceItem.id.in_(drafts),
            ServiceItem.running_status == RUNNING_STATUS.GOOD,
            InformationSystem.url.like("http%"),
        )
        .order_by(ServiceItem.code.desc())
        .limit(2)
    ).all()
    for item_id, code in rows:
        session.execute(
            update(ServiceItem)
            .where(ServiceItem.id == item_id)
            .values(online_entry=OUTSIDE_ENTRY.format(code=code.lower()))
        )


def _instant_with_approval(session, drafts):
    """Certificates (证明, 开具) are handled on the spot; two guides say so, their process
    still has the head's approval. Planted once: a later run (a larger N) keeps them."""
    approving = select(ProcessNode.item_id).where(ProcessNode.kind == NODE_KIND.APPROVE)
    planted = select(ServiceItem.id).where(
        ServiceItem.handling_type == "immediate", ServiceItem.id.in_(approving)
    )
    ids = list(session.scalars(planted))
    if ids:
        return ids
    query = select(ServiceItem.id).where(ServiceItem.id.in_(drafts), ServiceItem.id.in_(approving))
    named = query.where(or_(ServiceItem.name.like("%证明%"), ServiceItem.name.like("%开具%")))
    ids = list(session.scalars(named.order_by(ServiceItem.code).limit(2)))
    ids = ids or list(session.scalars(query.order_by(ServiceItem.code).limit(2)))
    session.execute(
        update(ServiceItem)
        .where(ServiceItem.id.in_(ids))
        .values(
            handling_type="immediate",
            promised_limit="即办件",
            promised_low=None,
            promised_high=None,
            promised_unit=None,
            time_limit_days=0,
        )
    )
    return ids


def _listed_without_sheet(session, drafts):
    """A planned process listed in 附件3 whose sheet never came: once, on the last draft by
    code that no other planted finding uses."""
    has_nodes = select(ProcessNode.item_id)
    has_materials = select(Material.item_id)
    bare = select(ServiceItem.id).where(
        ~ServiceItem.is_offline,
        ServiceItem.id.notin_(has_nodes),
        ServiceItem.id.notin_(has_materials),
    )
    if session.scalar(bare.limit(1)) is not None:
        return
    item_id = session.scalar(
        select(ServiceItem.id)
        .where(
            ServiceItem.id.in_(drafts),
            ServiceItem.lifecycle == "planned",
            ServiceItem.handling_type.is_distinct_from("immediate"),
        )
        .order_by(ServiceItem.code.desc())
        .limit(1)
    )
    if item_id is None:
        return
    session.execute(delete(Material).where(Material.item_id == item_id))
    session.execute(delete(ProcessNode).where(ProcessNode.item_id == item_id))
    session.execute(
        update(ServiceItem)
        .where(ServiceItem.id == item_id)
        .values(conditions=None, path=None, incomplete=True)
    )
