"""Contradictions between the registers (附件2-4 and the contacts of 附件1).

- `good_host_not_live`: an item 良好 whose hosting system is not live (no go-live date, or
  one still to come) or not integrated with the portal;
- `online_without_host`: an item 良好 with no hosting system, or with no online entry;
- `listed_without_sheet`: a process listed in 附件3 (every item not offline is a row there) whose
  一事一单 of 附件2 was never written: none of the parts the IT office names (办理要件, 办理路径,
  申报材料, 流转环节 by default) is filled;
- `idle_system`: a system hosting no live item (a retirement candidate, with its yearly cost);
- `contact_duties`: a department whose contacts do not cover both duties (knowing the
  processes, administering the systems);
- `entry_off_domain`: an item's entry address outside its hosting system's domain, when both
  are web addresses.
"""

from datetime import date
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from app.models import Contact, Department, InformationSystem, Material, ProcessNode, ServiceItem
from app.models.choices import PORTAL_INTEGRATION, RUNNING_STATUS

from .finding_base import DEPARTMENT, ITEM, SYSTEM, Finding, money
from .finding_platforms import hosted_counts


def _good_items(*columns):
    return select(*columns).where(
        ServiceItem.running_status == RUNNING_STATUS.GOOD, ~ServiceItem.is_offline
    )


def good_host_not_live(session: Session, params: dict) -> list[Finding]:
    today = date.today()
    query = _good_items(
        ServiceItem.id,
        ServiceItem.department_id,
        InformationSystem.id,
        InformationSystem.go_live_date,
        InformationSystem.portal_integration,
    ).join(InformationSystem, InformationSystem.id == ServiceItem.hosting_system_id)
    query = query.where(
        or_(
            InformationSystem.go_live_date.is_(None),
            InformationSystem.go_live_date > today,
            InformationSystem.portal_integration.is_(None),
            InformationSystem.portal_integration != PORTAL_INTEGRATION.FULL,
        )
    )
    return [
        Finding(
            "good_host_not_live",
            f"{item_id}:host",
            ((ITEM, item_id), (SYSTEM, system_id)),
            (dept,),
            dept,
            facts={
                "live": live is not None and live <= today,
                "portal": portal,
            },
        )
        for item_id, dept, system_id, live, portal in session.execute(query)
    ]


def explain_good_host_not_live(finding: Finding, names: dict) -> tuple[str, str]:
    facts = finding.facts
    reasons = []
    if not facts["live"]:
        reasons.append(_("承载系统未登记上线（或尚未到上线时间）"))
    if facts["portal"] != PORTAL_INTEGRATION.FULL:
        state = PORTAL_INTEGRATION.label(facts["portal"]) if facts["portal"] else _("未填写")
        reasons.append(_("承载系统融合门户集成状态为“{state}”").format(state=state))
    why = _("事项运行状态为良好，但{reasons}，两份登记相互矛盾。").format(
        reasons="，".join(reasons)
    )
    return why, _("核实后更正运行状态或系统登记，或推动系统上线并接入融合门户。")


def online_without_host(session: Session, params: dict) -> list[Finding]:
    no_entry = func.trim(func.coalesce(ServiceItem.online_entry, "")) == ""
    query = _good_items(
        ServiceItem.id,
        ServiceItem.department_id,
        ServiceItem.hosting_system_id.is_(None),
        no_entry,
    ).where(or_(ServiceItem.hosting_system_id.is_(None), no_entry))
    return [
        Finding(
            "online_without_host",
            f"{item_id}:online",
            ((ITEM, item_id),),
            (dept,),
            dept,
            facts={"no_host": bool(no_host), "no_entry": bool(missing)},
            fields_saved=int(bool(no_host)) + int(bool(missing)),
        )
        for item_id, dept, no_host, missing in session.execute(query)
    ]


def explain_online_without_host(finding: Finding, names: dict) -> tuple[str, str]:
    facts = finding.facts
    missing = []
    if facts["no_host"]:
        missing.append(_("承载系统"))
    if facts["no_entry"]:
        missing.append(_("线上办理入口"))
    why = _("事项运行状态为良好（已线上运行），却未登记{missing}。").format(
        missing="、".join(missing)
    )
    return why, _("补登{missing}，申请人才能找到线上入口。").format(missing="、".join(missing))


# The parts of an item's sheet (附件2) the rule may look at: a blank text, or no rows at all.
SHEET_PARTS = {
    "conditions": lambda: func.trim(func.coalesce(ServiceItem.conditions, "")) == "",
    "path": lambda: func.trim(func.coalesce(ServiceItem.path, "")) == "",
    "materials": lambda: ~select(Material.id).where(Material.item_id == ServiceItem.id).exists(),
    "nodes": lambda: ~select(ProcessNode.id).where(ProcessNode.item_id == ServiceItem.id).exists(),
}


def listed_without_sheet(session: Session, params: dict) -> list[Finding]:
    parts = [part for part in params.get("parts", list(SHEET_PARTS)) if part in SHEET_PARTS]
    if not parts:
        return []
    query = select(ServiceItem.id, ServiceItem.department_id).where(
        ~ServiceItem.is_offline, *(SHEET_PARTS[part]() for part in parts)
    )
    return [
        Finding(
            "listed_without_sheet",
            f"{item_id}:sheet",
            ((ITEM, item_id),),
            (dept,),
            dept,
            facts={"parts": parts},
        )
        for item_id, dept in session.execute(query)
    ]


def _part_labels() -> dict[str, str]:
    return {
        "conditions": _("办理要件"),
        "path": _("办理路径"),
        "materials": _("申报材料"),
        "nodes": _("流转环节"),
    }


def explain_listed_without_sheet(finding: Finding, names: dict) -> tuple[str, str]:
    labels = _part_labels()
    parts = "、".join(labels[part] for part in finding.facts["parts"] if part in labels)
    why = _(
        "该流程已列入附件3 线上业务流程统计表，但附件2 中没有它的一事一单：{parts}均未填写。"
    ).format(parts=parts)
    return why, _("补填该流程的一事一单（{parts}），或核实后从统计表中删去。").format(parts=parts)


def idle_system(session: Session, params: dict) -> list[Finding]:
    hosted = hosted_counts(session)
    query = select(
        InformationSystem.id, InformationSystem.department_id, InformationSystem.annual_om_cost
    )
    return [
        Finding(
            "idle_system",
            f"system:{sid}",
            ((SYSTEM, sid),),
            (dept,),
            dept,
            systems_retired=1,
            cost_saved=money(cost),
        )
        for sid, dept, cost in session.execute(query)
        if not hosted.get(sid)
    ]


def explain_idle_system(finding: Finding, names: dict) -> tuple[str, str]:
    why = _("该系统未承载任何在线服务事项。")
    if finding.cost_saved is None:
        return why, _("评估后整合或下线，可少维护 1 个系统（年度运维费用未填写）。")
    return why, _("评估后整合或下线，可少维护 1 个系统，年节省运维费用约 {cost} 万元。").format(
        cost=finding.cost_saved
    )


def _duty(column):
    return func.coalesce(func.sum(case((column.is_(True), 1), else_=0)), 0)


def contact_duties(session: Session, params: dict) -> list[Finding]:
    query = (
        select(
            Department.id,
            _duty(Contact.knows_processes),
            _duty(Contact.administers_systems),
        )
        .outerjoin(Contact, Contact.department_id == Department.id)
        .group_by(Department.id)
        .having(or_(_duty(Contact.knows_processes) == 0, _duty(Contact.administers_systems) == 0))
    )
    return [
        Finding(
            "contact_duties",
            f"department:{dept}",
            ((DEPARTMENT, dept),),
            (dept,),
            dept,
            facts={"processes": bool(knows), "systems": bool(admins)},
        )
        for dept, knows, admins in session.execute(query)
    ]


def explain_contact_duties(finding: Finding, names: dict) -> tuple[str, str]:
    missing = []
    if not finding.facts["processes"]:
        missing.append(_("熟悉本部门业务流程"))
    if not finding.facts["systems"]:
        missing.append(_("担任管理系统实际管理员"))
    why = _("本部门联系人中没有人承担：{duties}。").format(duties="、".join(missing))
    return why, _("补报或调整联系人，使两项职责都有人负责。")


def _domain(url: str | None, labels: int) -> str | None:
    if not url or not url.lower().startswith(("http://", "https://")):
        return None
    host = (urlsplit(url.strip()).hostname or "").lower()
    if not host:
        return None
    if host.replace(".", "").isdigit():
        return host
    return ".".join(host.split(".")[-labels:])


def entry_off_domain(session: Session, params: dict) -> list[Finding]:
    labels = int(params.get("domain_labels", 3))
    allowed = {host.lower() for host in params.get("allowed_domains", [])}
    query = (
        select(
            ServiceItem.id,
            ServiceItem.department_id,
            ServiceItem.online_entry,
            InformationSystem.id,
            InformationSystem.url,
        )
        .join(InformationSystem, InformationSystem.id == ServiceItem.hosting_system_id)
        .where(
            ~ServiceItem.is_offline,
            and_(ServiceItem.online_entry.like("http%"), InformationSystem.url.like("http%")),
        )
    )
    findings = []
    domains = {}
    for item_id, dept, entry, system_id, url in session.execute(query):
        if url not in domains:
            domains[url] = _domain(url, labels)
        entry_domain, system_domain = _domain(entry, labels), domains[url]
        if None in (entry_domain, system_domain) or entry_domain == system_domain:
            continue
        host = urlsplit(entry.strip()).hostname or ""
        if any(host == d or host.endswith("." + d) for d in allowed):
            continue
        findings.append(
            Finding(
                "entry_off_domain",
                f"{item_id}:entry",
                ((ITEM, item_id), (SYSTEM, system_id)),
                (dept,),
                dept,
                facts={"entry": entry_domain, "system": system_domain},
            )
        )
    return findings


def explain_entry_off_domain(finding: Finding, names: dict) -> tuple[str, str]:
    why = _("办理入口位于“{entry}”，不在承载系统的域名“{system}”之下。").format(**finding.facts)
    return why, _("核实入口地址：改为承载系统或融合门户的地址，避免申请人进入来源不明的网站。")
