"""Rules on the systems (平台重复建设, 系统数据断层): duplicates, silos and 一表通 candidates.

- `shared_capability`: systems of different departments tagged with the same capability;
- `similar_names`: systems of different departments whose names are the same once the
  generic words (系统, 平台, 管理 ...) are taken off, a second signal for untagged systems;
- `kind_on_many_systems`: items of the same name hosted on several systems;
- `isolated_system`: a system neither integrated with the portal nor sharing its data;
- `one_form_candidate`: materials an applicant hands in although a registered system holds
  that data (a tunable mapping: 成绩单 → 教务, 在职证明 → 人事), naming the system.

Each reads the systems in one or two queries; the capability map is `capability_map`.
"""

import re
from collections import defaultdict
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.models import Capability, InformationSystem, Material, ServiceItem, system_capability
from app.models.choices import PORTAL_INTEGRATION

from .finding_base import ITEM, MEMO, SYSTEM, Finding, money


def hosted_counts(session: Session, system_ids: list[int] | None = None) -> dict[int, int]:
    """{system id: live items it hosts} (of `system_ids`, or of all) in one query."""
    query = (
        select(ServiceItem.hosting_system_id, func.count())
        .where(ServiceItem.hosting_system_id.isnot(None), ~ServiceItem.is_offline)
        .group_by(ServiceItem.hosting_system_id)
    )
    if system_ids is not None:
        query = query.where(ServiceItem.hosting_system_id.in_(system_ids))
        return dict(session.execute(query).all())
    # One computation of every rule asks several times: count once per computation.
    memo = session.info.get(MEMO)
    if memo is not None and "hosted" in memo:
        return memo["hosted"]
    counts = dict(session.execute(query).all())
    if memo is not None:
        memo["hosted"] = counts
    return counts


def _systems(session: Session) -> dict[int, tuple]:
    """{id: (name, department id, yearly O&M cost)} of every system (once per computation)."""
    memo = session.info.get(MEMO)
    if memo is not None and "systems" in memo:
        return memo["systems"]
    query = select(
        InformationSystem.id,
        InformationSystem.name,
        InformationSystem.department_id,
        InformationSystem.annual_om_cost,
    )
    systems = {row[0]: tuple(row[1:]) for row in session.execute(query)}
    if memo is not None:
        memo["systems"] = systems
    return systems


def _duplicate(rule, ident, members, systems, hosted, facts):
    """A finding over systems doing one job: keep the one hosting most items, retire the rest."""
    ranked = sorted(members, key=lambda sid: (-hosted.get(sid, 0), sid))
    others = ranked[1:]
    costs = [systems[sid][2] for sid in others if systems[sid][2] is not None]
    departments = tuple(sorted({systems[sid][1] for sid in ranked}))
    return Finding(
        rule,
        ident,
        tuple((SYSTEM, sid) for sid in ranked),
        departments,
        systems[others[0]][1],
        facts={
            **facts,
            "systems": [systems[sid][0] for sid in ranked],
            "keep": systems[ranked[0]][0],
        },
        systems_retired=len(others),
        cost_saved=money(sum(costs, Decimal(0))) if costs else None,
    )


def shared_capability(session: Session, params: dict) -> list[Finding]:
    minimum = int(params.get("min_departments", 2))
    query = select(
        system_capability.c.capability_id, Capability.name, system_capability.c.system_id
    ).join(Capability, Capability.id == system_capability.c.capability_id)
    members = defaultdict(list)
    names = {}
    for capability_id, name, system_id in session.execute(query):
        members[capability_id].append(system_id)
        names[capability_id] = name
    systems, hosted = _systems(session), hosted_counts(session)
    return [
        _duplicate(
            "shared_capability",
            f"capability:{cid}",
            ids,
            systems,
            hosted,
            {"capability": names[cid]},
        )
        for cid, ids in members.items()
        if len({systems[sid][1] for sid in ids}) >= minimum
    ]


def normalised_name(name: str, generic: list[str]) -> str:
    """A system's name without brackets, spaces and the generic words."""
    text = re.sub(r"[（(].*?[）)]", "", name or "")
    for word in generic:
        text = text.replace(word, "")
    return re.sub(r"\s+", "", text)


def similar_names(session: Session, params: dict) -> list[Finding]:
    generic = list(params.get("generic_words", []))
    systems, hosted = _systems(session), hosted_counts(session)
    groups = defaultdict(list)
    for sid, (name, _dept, _cost) in systems.items():
        core = normalised_name(name, generic)
        if len(core) >= int(params.get("min_length", 2)):
            groups[core].append(sid)
    return [
        _duplicate("similar_names", f"name:{core}", ids, systems, hosted, {"core": core})
        for core, ids in groups.items()
        if len({systems[sid][1] for sid in ids}) >= 2
    ]


def explain_duplicate(finding: Finding, names: dict) -> tuple[str, str]:
    facts = finding.facts
    systems = "、".join(facts["systems"])
    if finding.rule == "shared_capability":
        why = _("{n} 个部门的系统都承担“{capability}”：{systems}。").format(
            n=len(finding.departments), capability=facts["capability"], systems=systems
        )
    else:
        why = _("不同部门的系统名称去掉通用词后相同（“{core}”）：{systems}。").format(
            core=facts["core"], systems=systems
        )
    return why, _gain_of_merge(finding, facts["keep"])


def _gain_of_merge(finding: Finding, keep: str) -> str:
    if finding.cost_saved is None:
        return _("整合到“{keep}”，可下线 {n} 个系统。").format(keep=keep, n=finding.systems_retired)
    return _("整合到“{keep}”，可下线 {n} 个系统，年节省运维费用约 {cost} 万元。").format(
        keep=keep, n=finding.systems_retired, cost=finding.cost_saved
    )


def kind_on_many_systems(session: Session, params: dict) -> list[Finding]:
    minimum = int(params.get("min_systems", 2))
    query = (
        select(ServiceItem.name, ServiceItem.hosting_system_id)
        .where(ServiceItem.hosting_system_id.isnot(None), ~ServiceItem.is_offline)
        .group_by(ServiceItem.name, ServiceItem.hosting_system_id)
    )
    groups = defaultdict(list)
    for name, system_id in session.execute(query):
        groups[name].append(system_id)
    systems, hosted = _systems(session), hosted_counts(session)
    findings = []
    for name, ids in sorted(groups.items()):
        if len(ids) < minimum:
            continue
        finding = _duplicate("kind_on_many_systems", f"items:{name}", ids, systems, hosted, {})
        finding.facts["item"] = name
        finding.systems_retired = 0  # the systems may do other jobs: nothing is retired
        finding.cost_saved = None
        findings.append(finding)
    return findings


def explain_kind_on_many_systems(finding: Finding, names: dict) -> tuple[str, str]:
    facts = finding.facts
    why = _("同名事项“{item}”分别在 {n} 个系统上办理：{systems}。").format(
        item=facts["item"], n=len(facts["systems"]), systems="、".join(facts["systems"])
    )
    return why, _("统一到一个平台办理，申请人只需记住一个入口，并可整合重复建设的功能。")


def isolated_system(session: Session, params: dict) -> list[Finding]:
    integrated = list(params.get("integrated_states", [PORTAL_INTEGRATION.FULL]))
    query = select(
        InformationSystem.id,
        InformationSystem.department_id,
        InformationSystem.portal_integration,
        InformationSystem.annual_om_cost,
    ).where(
        InformationSystem.data_silo.is_(True),
        or_(
            InformationSystem.portal_integration.is_(None),
            InformationSystem.portal_integration.not_in(integrated),
        ),
    )
    return [
        Finding(
            "isolated_system",
            f"system:{sid}",
            ((SYSTEM, sid),),
            (dept,),
            dept,
            facts={"portal": portal},
            cost_saved=None,
        )
        for sid, dept, portal, _cost in session.execute(query)
    ]


def explain_isolated_system(finding: Finding, names: dict) -> tuple[str, str]:
    portal = finding.facts["portal"]
    state = PORTAL_INTEGRATION.label(portal) if portal else _("未填写")
    why = _(
        "该系统融合门户集成状态为“{state}”，且登记为跨系统数据孤岛，不与其他系统共享数据。"
    ).format(state=state)
    return why, _("接入融合门户并向数据中台共享数据，其他系统和一表通可直接取数。")


def one_form_candidate(session: Session, params: dict) -> list[Finding]:
    mapping = dict(params.get("materials", {}))
    if not mapping:
        return []
    holders = _holders(session, mapping)
    words = [word for word in mapping if holders.get(word)]
    if not words:
        return []
    query = (
        select(Material.item_id, ServiceItem.department_id, Material.name)
        .join(ServiceItem, ServiceItem.id == Material.item_id)
        .where(~ServiceItem.is_offline, or_(*[Material.name.contains(w) for w in words]))
        .order_by(Material.item_id, Material.position)
    )
    found = defaultdict(list)
    for item_id, dept, name in session.execute(query):
        found[(item_id, dept)].append(name)
    findings = []
    for (item_id, dept), materials in found.items():
        matched = {w: holders[w] for w in words if any(w in m for m in materials)}
        systems = sorted({sid for ids in matched.values() for sid, _name in ids})
        findings.append(
            Finding(
                "one_form_candidate",
                f"{item_id}:materials",
                ((ITEM, item_id), *((SYSTEM, sid) for sid in systems)),
                (dept,),
                dept,
                facts={
                    "materials": materials,
                    "systems": sorted({name for ids in matched.values() for _sid, name in ids}),
                },
                fields_saved=len(materials),
            )
        )
    return findings


def _holders(session: Session, mapping: dict) -> dict[str, list[tuple[int, str]]]:
    """{material word: [(system id, name)]}: systems whose name or capability names the data."""
    rows = session.execute(
        select(InformationSystem.id, InformationSystem.name, Capability.name)
        .outerjoin(system_capability, system_capability.c.system_id == InformationSystem.id)
        .outerjoin(Capability, Capability.id == system_capability.c.capability_id)
    ).all()
    holders = {}
    for word, source in mapping.items():
        hits = {(sid, name) for sid, name, cap in rows if source in name or source == cap}
        holders[word] = sorted(hits)
    return holders


def explain_one_form_candidate(finding: Finding, names: dict) -> tuple[str, str]:
    facts = finding.facts
    why = _("申请人需提交“{materials}”，而“{systems}”已有这些数据。").format(
        materials="、".join(facts["materials"]), systems="、".join(facts["systems"])
    )
    return why, _("列为一表通候选：由系统自动调取，申请人少提交 {n} 项材料。").format(
        n=finding.fields_saved
    )


def capability_map(session: Session) -> list[dict]:
    """[{capability, systems: [(system, department, yearly cost, hosted items)], cost}]."""
    tagged = list(set(session.scalars(select(system_capability.c.system_id))))
    hosted = hosted_counts(session, tagged)
    query = (
        select(Capability, InformationSystem)
        .outerjoin(system_capability, system_capability.c.capability_id == Capability.id)
        .outerjoin(InformationSystem, InformationSystem.id == system_capability.c.system_id)
        .order_by(Capability.code, InformationSystem.code)
    )
    rows = {}
    for capability, system in session.execute(query).unique():
        entry = rows.setdefault(capability.id, {"capability": capability, "systems": []})
        if system is not None:
            entry["systems"].append((system, hosted.get(system.id, 0)))
    for entry in rows.values():
        costs = [s.annual_om_cost for s, _n in entry["systems"] if s.annual_om_cost is not None]
        entry["cost"] = sum(costs, Decimal(0)) if costs else None
        entry["departments"] = len({s.department_id for s, _n in entry["systems"]})
    return list(rows.values())
