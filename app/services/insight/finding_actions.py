"""The findings a user sees, one page of them, the counts per department, and what can be done
with one finding: open its ledger task (one per finding) or dismiss it with a reason.

A department contact sees the findings that concern their department (a duplicate platform
concerns every department owning one of its systems); reviewers, leaders and the IT office see
the college. A task goes to the finding's owner department and carries the finding's key as
its source key, so a finding opens at most one task. A dismissal is audited and stays shown.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import (
    ConsoleUser,
    Department,
    FindingDismissal,
    InformationSystem,
    RectificationTask,
    ServiceItem,
)
from app.models.base import utcnow
from app.services.access import permissions, scope
from app.services.errors import DomainError, NotFoundError
from app.services.ledger import rectification
from app.services.trail import audit

from . import findings
from .finding_base import DEPARTMENT, ITEM, SYSTEM, Finding

PER_PAGE = 50
STATES = ("open", "dismissed", "all")
REASON_MAX = 2000


@dataclass
class Shown:
    """A finding as a page shows it: its words, its records' names, its task and dismissal."""

    finding: Finding
    title: str
    group: str
    group_label: str
    why: str
    change: str
    records: list = field(default_factory=list)  # [(record type, id, label)]
    departments: list = field(default_factory=list)
    task: RectificationTask | None = None
    dismissal: FindingDismissal | None = None


def _reach(user: ConsoleUser, department_id: int | None) -> tuple[bool, int | None]:
    """(whether anything is visible, the department to select) for `user` and a filter."""
    reach = scope.scope_department_id(user)
    if reach is None:
        return True, department_id
    return department_id in (None, reach), reach


def visible(session: Session, user: ConsoleUser) -> list[Finding]:
    """The findings within `user`'s departments."""
    seen, dept = _reach(user, None)
    return findings.index(session).select(None, dept) if seen else []


def _dismissed_in(index, gone, rule, dept):
    """The dismissed findings among those selected by `rule` and `dept`, in the list's order."""
    rows = [index.by_key[key] for key in gone if key in index.by_key]
    rows = [
        f
        for f in rows
        if (rule is None or f.rule == rule) and (dept is None or dept in f.departments)
    ]
    return sorted(rows, key=Finding.sort_key)


def page(
    session: Session,
    user: ConsoleUser,
    rule: str | None = None,
    department_id: int | None = None,
    state: str = "open",
    number: int = 1,
    per_page: int = PER_PAGE,
) -> dict:
    """One page of findings: {"rows": [Shown], "total", "page", "pages", "counts": {rule: n}}.

    `counts` are the open findings per rule within the department filter, for the filter bar.
    Everything but the page's own rows is read from the cached index: no work per finding.
    """
    if rule and rule not in findings.BY_CODE:
        raise NotFoundError(_("未知的发现规则。"))
    state = state if state in STATES else "open"
    seen, dept = _reach(user, department_id)
    index = findings.index(session)
    gone = findings.dismissed_keys(session) if seen else set()
    counts = Counter(index.rule_counts(dept) if seen else {})
    for finding in _dismissed_in(index, gone, None, dept):
        counts[finding.rule] -= 1
    base = index.select(rule, dept) if seen else []
    dismissed_here = _dismissed_in(index, gone, rule, dept) if seen else []
    if state == "dismissed":
        chosen = dismissed_here
    elif state == "open" and dismissed_here:
        chosen = [f for f in base if f.key not in gone]
    else:
        chosen = base
    pages = max(1, -(-len(chosen) // per_page))
    number = min(max(1, number), pages)
    shown = chosen[(number - 1) * per_page : number * per_page]
    return {
        "rows": describe(session, shown),
        "total": len(chosen),
        "page": number,
        "pages": pages,
        "counts": {code: n for code, n in counts.items() if n},
    }


def _chunks(values, size=500):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _labels(session, shown):
    ids = {ITEM: set(), SYSTEM: set()}
    for finding in shown:
        for kind, record_id in finding.records:
            if kind in ids:
                ids[kind].add(record_id)
    names = {
        (DEPARTMENT, dept_id): name
        for dept_id, name in session.execute(select(Department.id, Department.name))
    }
    query = select(ServiceItem.id, ServiceItem.code, ServiceItem.name)
    for chunk in _chunks(ids[ITEM]):
        for item_id, code, name in session.execute(query.where(ServiceItem.id.in_(chunk))):
            names[(ITEM, item_id)] = f"{code} {name}"
    query = select(InformationSystem.id, InformationSystem.name)
    for chunk in _chunks(ids[SYSTEM]):
        for system_id, name in session.execute(query.where(InformationSystem.id.in_(chunk))):
            names[(SYSTEM, system_id)] = name
    return names


def describe(session: Session, shown: list[Finding]) -> list[Shown]:
    """The page's findings in words, with their records' names, tasks and dismissals
    (a constant number of queries)."""
    labels = _labels(session, shown)
    departments = {key[1]: name for key, name in labels.items() if key[0] == DEPARTMENT}
    tasks, loaded, dismissals = {}, {}, {}
    for keys in _chunks(f.key for f in shown):
        found = rectification.tasks_by_key(session, keys)
        tasks.update(found)
        if found:
            query = select(RectificationTask).where(RectificationTask.id.in_(found.values()))
            loaded.update({task.id: task for task in session.scalars(query)})
        dismissals.update(findings.dismissed(session, keys))
    result = []
    for finding in shown:
        why, change = findings.explain(finding, departments)
        result.append(
            Shown(
                finding,
                str(findings.BY_CODE[finding.rule].title),
                findings.BY_CODE[finding.rule].group,
                str(findings.GROUPS[findings.BY_CODE[finding.rule].group]),
                why,
                change,
                [(kind, rid, labels.get((kind, rid), "")) for kind, rid in finding.records],
                [departments.get(d, "") for d in finding.departments],
                loaded.get(tasks.get(finding.key)),
                dismissals.get(finding.key),
            )
        )
    return result


def department_counts(session: Session, user: ConsoleUser) -> dict[int, int]:
    """{department id: open findings concerning it} within `user`'s scope, for the campaign
    board (read from the cached index; one query for the dismissals)."""
    index = findings.index(session)
    counts = Counter(index.department_counts())
    for finding in _dismissed_in(index, findings.dismissed_keys(session), None, None):
        for dept in finding.departments:
            counts[dept] -= 1
    reach = scope.scope_department_id(user)
    return {d: n for d, n in counts.items() if n and (reach is None or d == reach)}


def find(session: Session, user: ConsoleUser, key: str) -> Finding:
    """The finding `key` as the registers show it now, if `user` may see it."""
    finding = findings.index(session).by_key.get(key)
    reach = scope.scope_department_id(user)
    if finding is None or (reach is not None and reach not in finding.departments):
        raise NotFoundError(_("该发现已不存在，请刷新页面。"))
    return finding


def _single_record(finding, kind, session, model):
    if len(finding.departments) != 1:
        return None
    for record_kind, record_id in finding.records:
        if record_kind == kind:
            return session.get(model, record_id)
    return None


def open_task(
    session: Session,
    user: ConsoleUser,
    key: str,
    owner: str | None = None,
    deadline: date | None = None,
) -> RectificationTask:
    """Open the ledger task of finding `key` (checked again now) through `open_task`, with
    its owner and deadline when given."""
    permissions.ensure(user, "keep_ledger")
    finding = find(session, user, key)
    if findings.dismissed(session, [key]):
        raise DomainError(_("该发现已标记为不予整改，不能再登记整改任务。"))
    shown = describe(session, [finding])[0]
    names = "、".join(label for _kind, _id, label in shown.records if label)
    return rectification.open_task(
        session,
        user,
        source="finding",
        department=finding.owner_id,
        title=_("{rule}：{records}").format(rule=shown.title, records=names)[:200],
        description=shown.why,
        measure=shown.change,
        category=findings.BY_CODE[finding.rule].category,
        owner=(owner or "").strip()[:64] or None,
        deadline=deadline,
        item=_single_record(finding, ITEM, session, ServiceItem),
        system=_single_record(finding, SYSTEM, session, InformationSystem),
        key=finding.key,
    )


def dismiss(session: Session, user: ConsoleUser, key: str, reason: str | None) -> FindingDismissal:
    """Set finding `key` aside with a reason (audited); its owner department's keepers may."""
    permissions.ensure(user, "keep_ledger")
    finding = find(session, user, key)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请填写不予整改的理由。"))
    if len(reason) > REASON_MAX:
        raise DomainError(_("说明不能超过 {n} 个字。").format(n=REASON_MAX))
    scope.ensure_can_write_department(user, finding.owner_id)
    if findings.dismissed(session, [key]):
        raise DomainError(_("该发现已标记为不予整改。"))
    if rectification.tasks_by_key(session, [key]):
        raise DomainError(_("该发现已登记整改任务，请在整改台账中处理。"))
    row = FindingDismissal(
        finding_key=key,
        rule=finding.rule,
        department_id=finding.owner_id,
        reason=reason,
        dismissed_by_id=user.id,
        dismissed_at=utcnow(),
    )
    session.add(row)
    session.flush()
    title = findings.BY_CODE[finding.rule].title
    audit.record_event(
        session,
        "dismiss",
        record_type="finding",
        record_id=row.id,
        department_id=finding.owner_id,
        summary=_("不予整改：{rule}（{key}）").format(rule=title, key=key),
        changes={"reason": [None, reason]},
    )
    session.flush()
    return row


def ledger_section(session: Session, user: ConsoleUser) -> list[Shown]:
    """Every finding `user` sees, with its task or dismissal, for the ledger's XLSX section."""
    return describe(session, visible(session, user))
