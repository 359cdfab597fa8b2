"""The campaign board: for every department, how complete its survey is and whether it is late.

Five rules, each giving the fraction of it that is done (0 to 1). What a single record lacks is
decided by `app.services.catalog.completeness`, never here:

- ``contacts``: the department's complete contacts cover both duties of the notice (熟悉业务流程
  and 系统管理员), by one person with both or by two people; 1 when both are covered, 0.5 for
  one, 0 for none.
- ``items``: every service item is complete (six modules, at least one node, materials);
  complete items / items, 0 when the department has recorded no item at all.
- ``systems``: every information system has all attachment-4 fields; complete / systems, 1 when
  the department runs no system.
- ``submitted``: every record (contacts, items, systems) is submitted or approved; share of them.
- ``approved``: every record is approved; share of them (0 when there is no record).

Submitted and approved records passed the completeness check when they were submitted (editing
an approved record makes it a draft again), so only drafts and returned records are checked
again; the others count as complete. Items taken offline are left out. Open items are read as
plain rows (three Core queries) and handed to `completeness.missing_for_item`, since building
tens of thousands of ORM objects with their materials and nodes took a minute at 100,000 items.

**Score** = 100 × the mean of the five fractions, rounded (each rule weighs 20 points).

**Deadlines** and the **current phase** come from `phases.schedule` (the year's campaign or
the notice's dates).

**Colour**: red when a rule whose deadline has passed (deadline < today) is not fully done —
the department is overdue; amber when nothing is overdue but a rule due by the current phase's
deadline is not done yet; green when everything due by the current phase's deadline is done.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import (
    ConsoleUser,
    Contact,
    Department,
    InformationSystem,
    Material,
    ProcessNode,
    ServiceItem,
)
from app.models.choices import BOARD_STATE
from app.services.access import scope
from app.services.campaign import phases
from app.services.catalog import completeness

RULES = ("contacts", "items", "systems", "submitted", "approved")
RULE_LABELS = {
    "contacts": _l("联系人覆盖两项职责"),
    "items": _l("服务事项六大模块与流转环节完整"),
    "systems": _l("管理信息系统附件4字段完整"),
    "submitted": _l("全部提交审核"),
    "approved": _l("全部审核通过"),
}
EXAMPLES = 3  # records named per rule in "what it lacks"
# Records a department can still change: the board counts them as not yet submitted.
EDITABLE_STATUSES = ("draft", "returned")


@dataclass
class RuleResult:
    """How far one department is with one rule."""

    fraction: float
    done: int
    total: int
    lacks: list = field(default_factory=list)

    @property
    def met(self) -> bool:
        return self.fraction >= 1


@dataclass
class BoardRow:
    """One department on the board."""

    department: Department
    rules: dict
    score: int
    state: str
    overdue_rules: list
    due_rules: list

    @property
    def state_label(self) -> str:
        return BOARD_STATE.label(self.state)

    @property
    def lacks(self) -> list[tuple[str, list]]:
        """What the department still lacks, rule by rule (unmet rules only)."""
        return [
            (str(RULE_LABELS[name]), result.lacks)
            for name, result in self.rules.items()
            if not result.met
        ]


@dataclass
class Board:
    """The board for a set of departments on a given day."""

    today: date
    schedule: phases.Schedule
    rows: list

    @property
    def overdue(self) -> list[BoardRow]:
        return [row for row in self.rows if row.state == BOARD_STATE.RED]

    def counts(self) -> dict[str, int]:
        result = dict.fromkeys(BOARD_STATE.codes, 0)
        for row in self.rows:
            result[row.state] += 1
        return result

    @property
    def days_left(self) -> int:
        return (self.schedule.current.end_date - self.today).days


# --- rules ----------------------------------------------------------------------------------


def _department_filter(query, column, department_ids):
    return query if department_ids is None else query.where(column.in_(department_ids))


def _status_counts(session, model, department_ids, extra=()):
    """{department id: {status: count}} in one GROUP BY."""
    query = select(model.department_id, model.status, func.count()).where(*extra)
    query = _department_filter(query, model.department_id, department_ids)
    result = {}
    for dept, status, count in session.execute(query.group_by(model.department_id, model.status)):
        result.setdefault(dept, {})[status] = count
    return result


class _ItemRow:
    """A service item as plain values, shaped like the record for `completeness.missing_for_item`
    (the six modules, running status, disposition, materials and nodes), built from three
    Core queries instead of ORM objects: the board reads every open item of the college."""

    def __init__(self, values, materials, node_count):
        self.__dict__.update(values)
        self.materials = materials
        self.nodes = range(node_count)  # only its truthiness is read: "at least one node"

    def __str__(self):
        return f"{self.code} {self.name}"


ITEM_COLUMNS = (
    "id",
    "department_id",
    "code",
    "name",
    "running_status",
    "disposition",
    "transformation_needs",
    *(key for key, _label in completeness.ITEM_MODULES),
)


def _incomplete_items(session, department_ids, extra):
    """{department id: [(item row, what it lacks)]} for open items that are not complete."""
    open_items = select(ServiceItem.id).where(ServiceItem.status.in_(EDITABLE_STATUSES), *extra)
    open_items = _department_filter(open_items, ServiceItem.department_id, department_ids)
    nodes = dict(
        session.execute(
            select(ProcessNode.item_id, func.count())
            .where(ProcessNode.item_id.in_(open_items))
            .group_by(ProcessNode.item_id)
        ).all()
    )
    materials = {}
    for item_id, name, form in session.execute(
        select(Material.item_id, Material.name, Material.form).where(
            Material.item_id.in_(open_items)
        )
    ):
        materials.setdefault(item_id, []).append(SimpleNamespace(name=name, form=form))
    query = (
        select(*(getattr(ServiceItem, c) for c in ITEM_COLUMNS))
        .where(ServiceItem.id.in_(open_items))
        .order_by(ServiceItem.code)
    )
    result = {}
    for values in session.execute(query).mappings():
        item = _ItemRow(values, materials.get(values["id"], []), nodes.get(values["id"], 0))
        missing = completeness.missing_for_item(item)
        if missing:
            result.setdefault(item.department_id, []).append((item, missing))
    return result


def _incomplete_systems(session, department_ids):
    """{department id: [(system, what it lacks)]} for open systems that are not complete."""
    query = (
        select(InformationSystem)
        .where(InformationSystem.status.in_(EDITABLE_STATUSES))
        .order_by(InformationSystem.code)
    )
    result = {}
    for system in session.scalars(
        _department_filter(query, InformationSystem.department_id, department_ids)
    ):
        missing = completeness.missing(system)
        if missing:
            result.setdefault(system.department_id, []).append((system, missing))
    return result


def _contacts_by_department(session, department_ids):
    query = _department_filter(
        select(Contact).order_by(Contact.id), Contact.department_id, department_ids
    )
    result = {}
    for contact in session.scalars(query):
        result.setdefault(contact.department_id, []).append(contact)
    return result


def _contacts_rule(contacts):
    complete = [c for c in contacts if not completeness.missing(c)]
    processes = any(c.knows_processes for c in complete)
    systems = any(c.administers_systems for c in complete)
    lacks = []
    if not contacts:
        lacks.append(_("尚未报送联系人"))
    else:
        if not processes:
            lacks.append(_("缺少熟悉本部门业务流程的联系人"))
        if not systems:
            lacks.append(_("缺少担任管理系统实际管理员的联系人"))
        incomplete = [c for c in contacts if c not in complete]
        if incomplete and lacks:
            lacks.append(
                _("联系人信息不完整：{names}").format(
                    names="、".join(c.name for c in incomplete[:EXAMPLES])
                )
            )
    return RuleResult((processes + systems) / 2, processes + systems, 2, lacks)


def _completeness_rule(counts, incomplete, empty_fraction, empty_lack, noun):
    total = sum(counts.values())
    if total == 0:
        return RuleResult(empty_fraction, 0, 0, [] if empty_fraction >= 1 else [empty_lack])
    done = total - len(incomplete)
    lacks = []
    if incomplete:
        named = "；".join(
            _("{record}（缺少：{missing}）").format(record=str(record), missing="、".join(missing))
            for record, missing in incomplete[:EXAMPLES]
        )
        lacks.append(
            _("{count} 个{noun}内容不完整：{named}").format(
                count=len(incomplete), noun=noun, named=named
            )
            + ("……" if len(incomplete) > EXAMPLES else "")
        )
    return RuleResult(done / total, done, total, lacks)


def _share_rule(counts, statuses, lack):
    total = sum(sum(c.values()) for c in counts)
    done = sum(c.get(s, 0) for c in counts for s in statuses)
    if total == 0:
        return RuleResult(0, 0, 0, [_("尚无任何填报记录")])
    lacks = [lack.format(count=total - done)] if done < total else []
    return RuleResult(done / total, done, total, lacks)


def _state(rules, sched, today):
    overdue = [
        name for name, result in rules.items() if not result.met and sched.deadlines[name] < today
    ]
    due = [
        name
        for name, result in rules.items()
        if not result.met and sched.deadlines[name] <= sched.current.end_date
    ]
    state = BOARD_STATE.RED if overdue else (BOARD_STATE.AMBER if due else BOARD_STATE.GREEN)
    return state, overdue, due


def departments_for(session: Session, user: ConsoleUser | None = None) -> list[Department]:
    """The departments whose rows `user` may see (every one without a user)."""
    query = select(Department).order_by(Department.sort_order, Department.code)
    dept = scope.scope_department_id(user) if user is not None else None
    if dept is not None:
        query = query.where(Department.id == dept)
    return list(session.scalars(query))


def build(
    session: Session,
    today: date | None = None,
    user: ConsoleUser | None = None,
    department_ids: Iterable[int] | None = None,
) -> Board:
    """The board on `today` for the departments `user` may see (or the given ids)."""
    today = today or date.today()
    departments = departments_for(session, user)
    if department_ids is not None:
        wanted = set(department_ids)
        departments = [d for d in departments if d.id in wanted]
    ids = [d.id for d in departments]
    sched = phases.schedule(session, today)
    online = (~ServiceItem.is_offline,)
    item_counts = _status_counts(session, ServiceItem, ids, online)
    system_counts = _status_counts(session, InformationSystem, ids)
    contact_counts = _status_counts(session, Contact, ids)
    bad_items = _incomplete_items(session, ids, online)
    bad_systems = _incomplete_systems(session, ids)
    contacts = _contacts_by_department(session, ids)
    rows = []
    for department in departments:
        dept = department.id
        items, systems = item_counts.get(dept, {}), system_counts.get(dept, {})
        records = (items, systems, contact_counts.get(dept, {}))
        rules = {
            "contacts": _contacts_rule(contacts.get(dept, [])),
            "items": _completeness_rule(
                items, bad_items.get(dept, []), 0, _("尚未填报服务事项"), _("服务事项")
            ),
            "systems": _completeness_rule(
                systems, bad_systems.get(dept, []), 1, "", _("管理信息系统")
            ),
            "submitted": _share_rule(
                records, ("submitted", "approved"), _("{count} 条记录尚未提交审核")
            ),
            "approved": _share_rule(records, ("approved",), _("{count} 条记录尚未审核通过")),
        }
        score = round(100 * sum(r.fraction for r in rules.values()) / len(rules))
        state, overdue, due = _state(rules, sched, today)
        rows.append(BoardRow(department, rules, score, state, overdue, due))
    return Board(today, sched, rows)
