"""Portfolio insight (系统画像与诊断): what the attachment-4 survey says about each system.

For every information system: its yearly cost, the cost per daily active operation, a
functional fit and a technical fit score, and a recommendation (keep / invest / migrate /
retire) with the reason in words. Then the findings no survey spreadsheet gives: systems that
host no service item, 良好 items on a system not integrated with the portal or on no system,
待改进 items with no plan. Each finding can open a rectification task.

How one system is scored (costs, functional and technical fit, keep / invest / migrate /
retire) is in `fitness`; this module applies it to every system a user may see.

Every figure comes from a constant number of aggregate queries, never one query per row; the
page lists the first 200 systems (worst first) and the first 200 rows of each finding, with
exact totals.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from types import SimpleNamespace

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session, selectinload

from app.models import ConsoleUser, InformationSystem, RectificationTask, ServiceItem
from app.models.choices import (
    PORTAL_INTEGRATION,
    RECOMMENDATION,
    RUNNING_STATUS,
)
from app.services.access import scope
from app.services.errors import DomainError, NotFoundError
from app.services.insight.fitness import SystemInsight, assess
from app.services.ledger import rectification
from app.services.trail import stamped

# Task kind opened from a recommendation.
RECOMMENDATION_TASK_KIND = {
    "invest": "poor_extensibility",
    "migrate": "consolidation",
    "retire": "consolidation",
}
FINDING_KINDS = ("idle_system", "good_no_portal", "good_no_host", "improve_no_plan")
DISPLAY_LIMIT = 200  # rows shown per list; the totals are always exact
SEVERITY = {"retire": 0, "invest": 1, "migrate": 2, "keep": 3, "insufficient": 4}


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


def hosted_counts(session: Session, system_ids: Iterable[int] | None = None) -> dict[int, int]:
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


def systems(session: Session, user: ConsoleUser) -> list[SystemInsight]:
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
    good = ServiceItem.running_status == RUNNING_STATUS.GOOD
    return {
        "good_no_host": good & ServiceItem.hosting_system_id.is_(None),
        "good_no_portal": good
        & ServiceItem.hosting_system_id.isnot(None)
        & or_(
            InformationSystem.portal_integration.is_(None),
            InformationSystem.portal_integration != "full",
        ),
        "improve_no_plan": (ServiceItem.running_status == RUNNING_STATUS.IMPROVE)
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


def item_finding_counts(session: Session, user: ConsoleUser) -> dict[str, int]:
    """{finding kind: number of items} in one aggregate query."""
    clauses = _item_clauses()
    query = _items_with_host(
        select(
            *[func.coalesce(func.sum(case((clause, 1), else_=0)), 0) for clause in clauses.values()]
        ),
        user,
    )
    return dict(zip(clauses, session.execute(query).one(), strict=True))


def item_findings(
    session: Session, user: ConsoleUser, kind: str, limit: int
) -> list[Finding | None]:
    """The first `limit` items of one finding kind, by department and code."""
    query = (
        _items_with_host(select(ServiceItem), user)
        .where(_item_clauses()[kind])
        .options(selectinload(ServiceItem.hosting_system))
    )
    query = query.order_by(ServiceItem.department_id, ServiceItem.code).limit(limit)
    return [item_finding(item) for item in session.scalars(query).unique()]


def item_finding(item: ServiceItem) -> Finding | None:
    """The finding a service item shows, or None."""
    if item.is_offline:
        return None
    if item.running_status == RUNNING_STATUS.GOOD:
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
    if item.running_status == RUNNING_STATUS.IMPROVE and (
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


def system_finding(system: InformationSystem, hosted_items: int) -> Finding | None:
    if hosted_items:
        return None
    return Finding(
        "idle_system",
        "information_system",
        system,
        _("该系统未承载任何线上服务事项。"),
        rectification.source_key("system", system.id, "consolidation"),
    )


def report(session: Session, user: ConsoleUser, limit: int = DISPLAY_LIMIT) -> dict[str, object]:
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


@dataclass
class RecordRef:
    """What the page shows of a record: plain values, cacheable (`page_report`)."""

    record_type: str
    id: int
    text: str
    department_name: str

    def __str__(self) -> str:
        return self.text

    @property
    def department(self) -> SimpleNamespace:
        return SimpleNamespace(name=self.department_name)


def _ref(record_type: str, record) -> RecordRef:
    return RecordRef(record_type, record.id, str(record), record.department.name)


def _plain(data: dict[str, object]) -> dict[str, object]:
    """The report with every record replaced by a RecordRef (no ORM object is cached)."""
    systems = [
        SimpleNamespace(
            system=_ref("information_system", i.system),
            code=i.system.code,
            hosted_items=i.hosted_items,
            daily_active_operations=i.system.daily_active_operations,
            yearly_cost=i.yearly_cost,
            cost_per_operation=i.cost_per_operation,
            functional=i.functional,
            technical=i.technical,
            recommendation=i.recommendation,
            recommendation_label=str(i.recommendation_label),
            reason=str(i.reason),
            task_key=i.task_key,
            task_id=i.task_id,
        )
        for i in data["systems"]
    ]
    findings = {
        kind: [
            Finding(
                f.kind,
                f.record_type,
                _ref(f.record_type, f.record),
                str(f.detail),
                f.task_key,
                f.task_id,
                {"system": _ref("information_system", f.extra["system"])}
                if f.extra.get("system") is not None
                else {},
            )
            for f in group
        ]
        for kind, group in data["findings"].items()
    }
    return dict(data, systems=systems, findings=findings)


def page_report(session: Session, user: ConsoleUser) -> dict[str, object]:
    """`report` as plain data, cached under the data-version stamp per scope and language."""
    return stamped.stamped(
        session,
        "portfolio",
        (scope.scope_department_id(user), str(get_locale() or "")),
        lambda: _plain(report(session, user)),
    )


def _load(session, user, model, record_id):
    record = session.get(model, record_id)
    return scope.ensure_visible(user, record)


def open_finding_task(
    session: Session, user: ConsoleUser, kind: str, record_id: int
) -> RectificationTask:
    """Open the rectification task for one finding (checked again now), via open_task."""
    if kind == "recommendation":
        system = _load(session, user, InformationSystem, record_id)
        insight = assess(system, hosted_counts(session, [system.id]).get(system.id, 0))
        task_kind = RECOMMENDATION_TASK_KIND.get(insight.recommendation)
        if insight.recommendation == "insufficient":
            raise DomainError(_("该系统数据不足，暂无建议：请先补填未填写的数据。"))
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
