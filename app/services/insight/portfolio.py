"""Portfolio insight (系统画像与诊断): what the attachment-4 survey says about each system.

For every information system: its yearly cost, the cost per daily active operation, a
functional fit and a technical fit score, and a recommendation (keep / invest / migrate /
retire) with the reason in words. Then the findings no survey spreadsheet gives: systems that
host no service item, 良好 items on a system not integrated with the portal or on no system,
待改进 items with no plan. Each finding can open a rectification task.

The scoring, all on attachment-4 fields, is deliberately simple so that anyone can redo it:

- yearly cost (万元) = yearly O&M cost + build cost / 5 (five-year amortisation);
  cost per daily active operation (元) = yearly cost x 10,000 / daily active operations;
- functional fit = mean of three scores out of 100: user groups covered (1 group 50, 2 or more
  100, none 0), daily active operations (>=1000: 100, >=200: 70, >=50: 40, >=1: 20, none 0),
  core-feature usage rate (the percentage itself);
- technical fit = 100 minus: security risk 40, poor extensibility 20, mobile adaptation none
  or unknown 20 / partial 10, portal integration none or unknown 20 / SSO only 10 (floor 0);
- both >= 60: keep; functional >= 60 only: invest; technical >= 60 only: migrate; neither:
  retire (Gartner's TIME quadrants).

Every figure comes from a constant number of aggregate queries, never one query per row; the
page lists the first 200 systems (worst first) and the first 200 rows of each finding, with
exact totals.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from flask_babel import gettext as _
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import selectinload

from app.models import InformationSystem, ServiceItem
from app.models.choices import (
    MOBILE_ADAPTATION,
    PORTAL_INTEGRATION,
    RECOMMENDATION,
    split_codes,
)
from app.services.access import scope
from app.services.errors import DomainError, NotFoundError
from app.services.ledger import rectification

AMORTISATION_YEARS = 5
FIT_THRESHOLD = 60
ACTIVITY_TIERS = ((1000, 100), (200, 70), (50, 40), (1, 20))
COVERAGE_FULL_GROUPS = 2
DEDUCTIONS = {"security_risk": 40, "poor_extensibility": 20}
MOBILE_DEDUCTION = {"full": 0, "partial": 10, "none": 20, None: 20}
PORTAL_DEDUCTION = {"full": 0, "sso": 10, "none": 20, None: 20}
# Task kind opened from a recommendation.
RECOMMENDATION_TASK_KIND = {
    "invest": "poor_extensibility",
    "migrate": "consolidation",
    "retire": "consolidation",
}
FINDING_KINDS = ("idle_system", "good_no_portal", "good_no_host", "improve_no_plan")
DISPLAY_LIMIT = 200  # rows shown per list; the totals are always exact
SEVERITY = {"retire": 0, "invest": 1, "migrate": 2, "keep": 3}


def _money(value):
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _score(value):
    return float(Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@dataclass
class SystemInsight:
    """The figures, scores and recommendation of one information system."""

    system: InformationSystem
    hosted_items: int
    yearly_cost: Decimal | None
    cost_per_operation: Decimal | None
    functional: float
    technical: float
    recommendation: str
    task_key: str | None = None
    task_id: int | None = None

    @cached_property
    def reason(self):
        return explain(self.system)

    @property
    def recommendation_label(self):
        return RECOMMENDATION.label(self.recommendation)


@dataclass
class Finding:
    """One thing the survey data shows should be fixed, with the record it concerns."""

    kind: str
    record_type: str  # "information_system" | "service_item"
    record: object
    detail: str
    task_key: str
    task_id: int | None = None
    extra: dict = field(default_factory=dict)


def yearly_cost(system):
    """O&M plus the build cost spread over five years (万元), or None when neither is known."""
    if system.annual_om_cost is None and system.build_cost is None:
        return None
    om = Decimal(system.annual_om_cost or 0)
    build = Decimal(system.build_cost or 0)
    return _money(om + build / AMORTISATION_YEARS)


def cost_per_operation(system):
    """Yearly cost in 元 per daily active operation, or None without activity or cost."""
    cost = yearly_cost(system)
    ops = system.daily_active_operations
    if cost is None or not ops:
        return None
    return _money(cost * 10000 / ops)


def coverage_score(system):
    groups = split_codes(system.user_groups)
    return min(len(groups), COVERAGE_FULL_GROUPS) * 100 / COVERAGE_FULL_GROUPS, len(groups)


def activity_score(system):
    ops = system.daily_active_operations or 0
    for threshold, points in ACTIVITY_TIERS:
        if ops >= threshold:
            return points
    return 0


def functional_fit(system, explain=True):
    """(score, [reason parts]) from coverage, activity and core-feature usage."""
    coverage, groups = coverage_score(system)
    activity = activity_score(system)
    usage = float(system.core_usage_rate or 0)
    score = _score((coverage + activity + usage) / 3)
    if not explain:
        return score, []
    parts = [_("覆盖人群 {n} 类得 {p} 分").format(n=groups, p=_score(coverage))]
    if system.daily_active_operations is None:
        parts.append(_("日均操作未填写得 0 分"))
    else:
        parts.append(
            _("日均操作 {n} 次得 {p} 分").format(n=system.daily_active_operations, p=activity)
        )
    if system.core_usage_rate is None:
        parts.append(_("核心功能使用率未填写得 0 分"))
    else:
        parts.append(_("核心功能使用率 {r}% 得 {p} 分").format(r=_score(usage), p=_score(usage)))
    return score, parts


def technical_fit(system, explain=True):
    """(score, [reason parts]) from security, extensibility, mobile and portal integration."""
    risk = DEDUCTIONS["security_risk"] if system.security_risk else 0
    rigid = DEDUCTIONS["poor_extensibility"] if system.poor_extensibility else 0
    mobile = MOBILE_DEDUCTION.get(system.mobile_adaptation, 20)
    portal = PORTAL_DEDUCTION.get(system.portal_integration, 20)
    score = _score(max(0, 100 - risk - rigid - mobile - portal))
    if not explain:
        return score, []
    parts = []
    if risk:
        parts.append(_("存在网络与数据安全隐患扣 {n} 分").format(n=risk))
    if rigid:
        parts.append(_("拓展性不足扣 {n} 分").format(n=rigid))
    if mobile:
        state = (
            MOBILE_ADAPTATION.label(system.mobile_adaptation)
            if system.mobile_adaptation
            else _("未填写")
        )
        parts.append(_("移动端{state}扣 {n} 分").format(state=state, n=mobile))
    if portal:
        state = (
            PORTAL_INTEGRATION.label(system.portal_integration)
            if system.portal_integration
            else _("未填写")
        )
        parts.append(_("融合门户{state}扣 {n} 分").format(state=state, n=portal))
    if not parts:
        parts.append(_("无扣分项"))
    return score, parts


def recommend(functional, technical):
    high_f, high_t = functional >= FIT_THRESHOLD, technical >= FIT_THRESHOLD
    if high_f and high_t:
        return "keep"
    if high_f:
        return "invest"
    if high_t:
        return "migrate"
    return "retire"


CONCLUSIONS = {
    "keep": lambda: _("功能与技术适配均达到 {n} 分，建议保留并持续运行。").format(n=FIT_THRESHOLD),
    "invest": lambda: _(
        "功能用得好但技术适配不足 {n} 分，建议投入改造（安全、拓展、移动端、门户集成）。"
    ).format(n=FIT_THRESHOLD),
    "migrate": lambda: _(
        "技术尚可但功能适配不足 {n} 分，建议迁移整合到融合门户或同类系统。"
    ).format(n=FIT_THRESHOLD),
    "retire": lambda: _("功能与技术适配均不足 {n} 分，建议下线并保留数据备查。").format(
        n=FIT_THRESHOLD
    ),
}


def explain(system):
    """The reason for a system's recommendation, in words."""
    functional, f_parts = functional_fit(system)
    technical, t_parts = technical_fit(system)
    return _("功能适配 {f} 分（{fp}）；技术适配 {t} 分（{tp}）。{conclusion}").format(
        f=functional,
        fp="，".join(f_parts),
        t=technical,
        tp="，".join(t_parts),
        conclusion=CONCLUSIONS[recommend(functional, technical)](),
    )


def assess(system, hosted_items=0):
    """The insight of one system (no query; the reason is worded when first read)."""
    functional, _parts = functional_fit(system, explain=False)
    technical, _parts = technical_fit(system, explain=False)
    return SystemInsight(
        system=system,
        hosted_items=hosted_items,
        yearly_cost=yearly_cost(system),
        cost_per_operation=cost_per_operation(system),
        functional=functional,
        technical=technical,
        recommendation=recommend(functional, technical),
    )


def hosted_counts(session, system_ids=None):
    """{system id: number of service items it hosts} (every department's items, one query)."""
    query = (
        select(ServiceItem.hosting_system_id, func.count(ServiceItem.id))
        .where(ServiceItem.hosting_system_id.isnot(None))
        .group_by(ServiceItem.hosting_system_id)
    )
    if system_ids is not None:
        query = query.where(ServiceItem.hosting_system_id.in_(list(system_ids)))
    return dict(session.execute(query).all())


def _recommendation_key(insight):
    kind = RECOMMENDATION_TASK_KIND.get(insight.recommendation)
    return rectification.source_key("system", insight.system.id, kind) if kind else None


def systems(session, user):
    """The insight of every system `user` may see, ordered by department and code."""
    query = scope.apply_scope(
        select(InformationSystem).order_by(InformationSystem.department_id, InformationSystem.code),
        InformationSystem,
        user,
    )
    rows = list(session.scalars(query).unique())
    counts = hosted_counts(session)
    return [assess(system, counts.get(system.id, 0)) for system in rows]


def _item_clauses():
    """{finding kind: WHERE clause on service items outer-joined to their hosting system}."""
    good = ServiceItem.running_status == "good"
    return {
        "good_no_host": good & ServiceItem.hosting_system_id.is_(None),
        "good_no_portal": good
        & ServiceItem.hosting_system_id.isnot(None)
        & or_(
            InformationSystem.portal_integration.is_(None),
            InformationSystem.portal_integration != "full",
        ),
        "improve_no_plan": (ServiceItem.running_status == "improve")
        & or_(
            ServiceItem.disposition.is_(None),
            ServiceItem.disposition == "",
            func.trim(func.coalesce(ServiceItem.disposition_note, "")) == "",
        ),
    }


def _items_with_host(query, user):
    query = (
        query.select_from(ServiceItem)
        .outerjoin(InformationSystem, ServiceItem.hosting_system_id == InformationSystem.id)
        .where(~ServiceItem.is_offline)
    )
    return scope.apply_scope(query, ServiceItem, user)


def item_finding_counts(session, user):
    """{finding kind: number of items} in one aggregate query."""
    clauses = _item_clauses()
    query = _items_with_host(
        select(
            *[func.coalesce(func.sum(case((clause, 1), else_=0)), 0) for clause in clauses.values()]
        ),
        user,
    )
    return dict(zip(clauses, session.execute(query).one(), strict=True))


def item_findings(session, user, kind, limit):
    """The first `limit` items of one finding kind, by department and code."""
    query = (
        _items_with_host(select(ServiceItem), user)
        .where(_item_clauses()[kind])
        .options(selectinload(ServiceItem.hosting_system))
    )
    query = query.order_by(ServiceItem.department_id, ServiceItem.code).limit(limit)
    return [item_finding(item) for item in session.scalars(query).unique()]


def item_finding(item):
    """The finding a service item shows, or None."""
    if item.is_offline:
        return None
    if item.running_status == "good":
        host = item.hosting_system if item.hosting_system_id else None
        if host is None:
            return Finding(
                "good_no_host",
                "service_item",
                item,
                _("运行状态为良好，但未登记承载系统。"),
                rectification.source_key("item", item.id, "integration"),
            )
        if host.portal_integration != "full":
            state = (
                PORTAL_INTEGRATION.label(host.portal_integration)
                if host.portal_integration
                else _("未填写")
            )
            return Finding(
                "good_no_portal",
                "service_item",
                item,
                _("运行状态为良好，但承载系统“{system}”融合门户集成状态为“{state}”。").format(
                    system=host.name, state=state
                ),
                rectification.source_key("item", item.id, "integration"),
                extra={"system": host},
            )
    if item.running_status == "improve" and (
        not item.disposition or not (item.disposition_note or "").strip()
    ):
        return Finding(
            "improve_no_plan",
            "service_item",
            item,
            _("运行状态为待改进，但未填写处置意见（计划启用或拟下线）及说明。"),
            rectification.source_key("item", item.id, "plan"),
        )
    return None


def system_finding(system, hosted_items):
    if hosted_items:
        return None
    return Finding(
        "idle_system",
        "information_system",
        system,
        _("该系统未承载任何线上服务事项。"),
        rectification.source_key("system", system.id, "consolidation"),
    )


def report(session, user, limit=DISPLAY_LIMIT):
    """What `user` may see: {"systems": [SystemInsight], "systems_total": n,
    "summary": {recommendation: n}, "findings": {kind: [Finding]}, "totals": {kind: n}}.

    Systems come worst first (retire, invest, migrate, keep; then by department and code);
    the system list and each finding list hold their first `limit` rows.

    A constant number of queries: systems, hosted-item counts, item finding counts, one page
    of items per item finding kind, and the tasks already opened.
    """
    insights = systems(session, user)
    summary = {code: 0 for code in RECOMMENDATION.codes}
    for insight in insights:
        summary[insight.recommendation] += 1
    shown = sorted(
        insights, key=lambda i: (SEVERITY[i.recommendation], i.system.department_id, i.system.code)
    )[:limit]
    findings = {kind: [] for kind in FINDING_KINDS}
    for insight in insights:
        finding = system_finding(insight.system, insight.hosted_items)
        if finding:
            findings[finding.kind].append(finding)
    totals = {"idle_system": len(findings["idle_system"]), **item_finding_counts(session, user)}
    findings["idle_system"] = findings["idle_system"][:limit]
    for kind in ("good_no_portal", "good_no_host", "improve_no_plan"):
        if totals[kind]:
            findings[kind] = item_findings(session, user, kind, limit)
    keys = [f.task_key for group in findings.values() for f in group]
    for insight in shown:
        insight.task_key = _recommendation_key(insight)
        if insight.task_key:
            keys.append(insight.task_key)
    opened = rectification.tasks_by_key(session, keys)
    for group in findings.values():
        for finding in group:
            finding.task_id = opened.get(finding.task_key)
    for insight in shown:
        insight.task_id = opened.get(insight.task_key)
    return {
        "systems": shown,
        "systems_total": len(insights),
        "summary": summary,
        "findings": findings,
        "totals": totals,
    }


def _load(session, user, model, record_id):
    record = session.get(model, record_id)
    return scope.ensure_visible(user, record)


def open_finding_task(session, user, kind, record_id):
    """Open the rectification task for one finding (checked again now), via open_task."""
    if kind == "recommendation":
        system = _load(session, user, InformationSystem, record_id)
        insight = assess(system, hosted_counts(session, [system.id]).get(system.id, 0))
        task_kind = RECOMMENDATION_TASK_KIND.get(insight.recommendation)
        if task_kind is None:
            raise DomainError(_("该系统建议保留，无需整改。"))
        return rectification.open_task(
            session,
            user,
            source="portfolio",
            department=system.department_id,
            title=_("{system}：{rec}").format(system=system.name, rec=insight.recommendation_label),
            description=insight.reason,
            category=task_kind,
            system=system,
        )
    if kind == "idle_system":
        system = _load(session, user, InformationSystem, record_id)
        finding = system_finding(system, hosted_counts(session, [system.id]).get(system.id, 0))
        if finding is None:
            raise DomainError(_("该问题已不存在，请刷新页面。"))
        return rectification.open_task(
            session,
            user,
            source="portfolio",
            department=system.department_id,
            title=_("{system}：未承载服务事项，评估整合或下线").format(system=system.name),
            description=finding.detail,
            category="consolidation",
            system=system,
        )
    if kind in ("good_no_portal", "good_no_host", "improve_no_plan"):
        item = _load(session, user, ServiceItem, record_id)
        finding = item_finding(item)
        if finding is None or finding.kind != kind:
            raise DomainError(_("该问题已不存在，请刷新页面。"))
        if kind == "improve_no_plan":
            title = _("{item}：明确启用或下线计划").format(item=item.name)
            category = "plan"
        else:
            title = _("{item}：接入融合门户").format(item=item.name)
            category = "integration"
        return rectification.open_task(
            session,
            user,
            source="portfolio",
            department=item.department_id,
            title=title,
            description=finding.detail,
            category=category,
            item=item,
            system=item.hosting_system if item.hosting_system_id else None,
        )
    raise NotFoundError(_("记录不存在。"))
